import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface WorkflowAlarmsProps {
  /** State machines to watch, by the name used in alarm descriptions. */
  readonly stateMachines: Record<string, sfn.IStateMachine>;
  /** Handler functions to watch, by the name used in alarm descriptions. */
  readonly functions: Record<string, lambda.IFunction>;
  /**
   * Dead-letter queue of the cleanup schedule.
   * @default no queue alarm
   */
  readonly deadLetterQueue?: sqs.IQueue;
  /**
   * Email address that the alarm topic notifies. The address must confirm the subscription.
   * @default no topic: the alarms only change state in CloudWatch
   */
  readonly alarmEmail?: string;
}

/** Period over which each alarm sums its metric. */
export const ALARM_PERIOD = Duration.minutes(5);
/**
 * Function errors in one period that raise the alarm. A handler also throws on a 429, 529 or
 * 5xx that the state machine retries, so a single error is routine. A failed execution has an
 * alarm of its own.
 */
export const FUNCTION_ERRORS_THRESHOLD = 5;

/**
 * CloudWatch alarms on failed and timed-out executions, on handler errors and on the schedule's
 * dead-letter queue, and, when an email address is given, an encrypted SNS topic that notifies
 * it when an alarm fires.
 */
export class WorkflowAlarms extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  /** The topic that notifies `alarmEmail`, when one is given. */
  public readonly topic?: sns.Topic;

  constructor(scope: Construct, id: string, props: WorkflowAlarmsProps) {
    super(scope, id);
    for (const [name, stateMachine] of Object.entries(props.stateMachines)) {
      this.addExecutionAlarms(name, stateMachine);
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.addAlarm(`${name}Errors`, fn.metricErrors({ period: ALARM_PERIOD }), {
        threshold: FUNCTION_ERRORS_THRESHOLD,
        description: `The ${name} function threw ${FUNCTION_ERRORS_THRESHOLD} or more errors in 5 minutes. Read its log group for the error names and batch ids.`,
      });
    }
    if (props.deadLetterQueue !== undefined) {
      const metric = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: ALARM_PERIOD,
        statistic: cloudwatch.Stats.MAXIMUM,
      });
      this.addAlarm('CleanupScheduleDeadLetters', metric, {
        threshold: 1,
        description:
          'The cleanup schedule could not start the sweep after its retries. The message in the dead-letter queue names the error; start the sweep by hand if needed.',
      });
    }
    if (props.alarmEmail !== undefined) {
      this.topic = this.createTopic(props.alarmEmail);
      const action = new actions.SnsAction(this.topic);
      for (const alarm of this.alarms) {
        alarm.addAlarmAction(action);
      }
    }
  }

  private addExecutionAlarms(name: string, stateMachine: sfn.IStateMachine): void {
    this.addAlarm(`${name}ExecutionsFailed`, stateMachine.metricFailed({ period: ALARM_PERIOD }), {
      threshold: 1,
      description: `An execution of the ${name} state machine failed. Its error and cause name the batch and what to do.`,
    });
    this.addAlarm(
      `${name}ExecutionsTimedOut`,
      stateMachine.metricTimedOut({ period: ALARM_PERIOD }),
      {
        threshold: 1,
        description: `An execution of the ${name} state machine timed out. Check the batch it names in the console and delete it once it has ended.`,
      },
    );
  }

  private addAlarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: { threshold: number; description: string },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: options.threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No executions or invocations in a period is the normal state, not a failure.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    this.alarms.push(alarm);
  }

  /**
   * Creates the alarm topic, encrypted with a customer managed key because CloudWatch cannot
   * publish to a topic encrypted with the AWS managed key alias/aws/sns, whose policy is fixed.
   */
  private createTopic(email: string): sns.Topic {
    const masterKey = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm topic of the Claude batch teardown stack',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    masterKey.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    const topic = new sns.Topic(this, 'Topic', { masterKey, enforceSSL: true });
    topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }
}
