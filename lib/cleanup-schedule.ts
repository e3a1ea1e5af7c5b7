import { Duration } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { SweepCriteria } from '../lambdas/shared/sweep-criteria';

export interface CleanupScheduleProps {
  /** The sweep state machine that the schedule starts. */
  readonly sweepStateMachine: sfn.IStateMachine;
  /** EventBridge Scheduler expression in UTC, such as `rate(1 day)` or `cron(0 3 * * ? *)`. */
  readonly expression: string;
  /** Input of every sweep execution the schedule starts. */
  readonly input: SweepCriteria;
}

/** Attempts after the first when StartExecution fails, such as when it is throttled. */
export const SCHEDULE_RETRY_ATTEMPTS = 3;
/** Age after which a failed start is no longer retried and goes to the dead-letter queue. */
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);
/** Smallest interval of a rate() expression, in hours. */
export const MIN_RATE_HOURS = 1;

const RATE_PATTERN = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const HOURS_PER_UNIT: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24 };

/**
 * An EventBridge Scheduler schedule that starts the sweep, with a dead-letter queue for the
 * starts that still fail after the retries. Its role may start only the sweep state machine.
 */
export class CleanupSchedule extends Construct {
  public readonly schedule: scheduler.Schedule;
  /** Receives the schedule's events whose StartExecution failed after every retry. */
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: CleanupScheduleProps) {
    super(scope, id);
    const problem = describeScheduleProblem(props.expression);
    if (problem !== undefined) {
      throw new Error(
        `The cleanup schedule expression "${props.expression}" is invalid: ${problem}.`,
      );
    }
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: 'Starts the sweep that tears down old Claude Message Batches',
      schedule: scheduler.ScheduleExpression.expression(props.expression),
      target: new targets.StepFunctionsStartExecution(props.sweepStateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject(props.input),
        deadLetterQueue: this.deadLetterQueue,
        maxEventAge: SCHEDULE_MAX_EVENT_AGE,
        retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      }),
    });
  }
}

/**
 * Checks the shape of a rate() or cron() expression, so that a typo fails the synth instead of
 * the deployment, and returns what is wrong or undefined. A rate must be at least an hour,
 * because two sweeps that overlap may select the same batch.
 */
export function describeScheduleProblem(expression: string): string | undefined {
  const rate = RATE_PATTERN.exec(expression);
  if (rate !== null) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (value === 0 || (value === 1) === unit.endsWith('s')) {
      return 'a rate takes a value of 1 or more, with a singular unit for 1 and a plural one above';
    }
    const hours = value * (HOURS_PER_UNIT[unit.replace(/s$/, '')] ?? 0);
    if (hours < MIN_RATE_HOURS) {
      return `a rate must be at least rate(${MIN_RATE_HOURS} hour), because sweeps that overlap may select the same batch`;
    }
    return undefined;
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron === null || (cron[1] ?? '').trim().split(/\s+/).length !== 6) {
    return 'use rate(N unit) or cron() with six fields: minutes, hours, day of month, month, day of week, year';
  }
  return undefined;
}
