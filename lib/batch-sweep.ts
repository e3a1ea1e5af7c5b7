import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { createHandlerFunction } from './batch-functions';
import {
  DEFAULT_API_BASE_URL,
  DEFAULT_MAX_POLL_RETRIES,
  DEFAULT_POLL_INTERVAL,
  executionTimeout,
  type HandlerLogLevel,
} from './batch-teardown';
import { MAX_BATCHES_LIMIT } from '../lambdas/shared/sweep-criteria';
import { buildSweepDefinition, TEARDOWN_TASK_MARGIN } from './sweep-definition';

export interface BatchSweepProps {
  /** The teardown state machine that the sweep starts once per selected batch. */
  readonly teardownStateMachine: sfn.IStateMachine;
  /**
   * Execution timeout of the teardown state machine.
   * @default the teardown's timeout with its default poll settings, 18 h 5 min
   */
  readonly teardownTimeout?: Duration;
  /** Secret that contains the Anthropic API key. The select function may read only this secret. */
  readonly apiKeySecret: secretsmanager.ISecret;
  /**
   * Base URL of the Message Batches API; must be https.
   * @default 'https://api.anthropic.com'
   */
  readonly apiBaseUrl?: string;
  /**
   * Log level of the select function.
   * @default 'INFO'
   */
  readonly logLevel?: HandlerLogLevel;
  /**
   * Teardown executions that run at the same time.
   * @default 5
   */
  readonly maxConcurrency?: number;
}

export const DEFAULT_SWEEP_MAX_CONCURRENCY = 5;
/** Upper bound of maxConcurrency: the API's rate limits count every call of every teardown. */
export const MAX_SWEEP_CONCURRENCY = 20;
/**
 * Timeout of the select function: 10 list pages of at most 10 s each, plus a second attempt
 * after a 401 and the secret read.
 */
export const SELECT_LAMBDA_TIMEOUT = Duration.minutes(2);

/**
 * The scheduled cleanup: a Standard state machine that lists the organization's Message
 * Batches, selects those that match the input's criteria, and runs the teardown state machine
 * on each, at most `maxConcurrency` at a time. A dry run only reports the selection.
 */
export class BatchSweep extends Construct {
  /** The sweep state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The function of the selectBatches and summarizeSweep steps. */
  public readonly selectFunction: NodejsFunction;

  constructor(scope: Construct, id: string, props: BatchSweepProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? DEFAULT_SWEEP_MAX_CONCURRENCY;
    validateMaxConcurrency(maxConcurrency);
    const teardownTimeout =
      props.teardownTimeout ?? executionTimeout(DEFAULT_POLL_INTERVAL, DEFAULT_MAX_POLL_RETRIES);

    this.selectFunction = createHandlerFunction(this, 'SelectFunction', {
      entryFile: 'select-batches.ts',
      apiKeySecret: props.apiKeySecret,
      apiBaseUrl: props.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      logLevel: props.logLevel ?? 'INFO',
      timeout: SELECT_LAMBDA_TIMEOUT,
    });
    const definition = buildSweepDefinition(this, this.selectFunction, props.teardownStateMachine, {
      maxConcurrency,
      teardownTimeout,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
        }),
        // A sweep has about 12 events per batch, so ALL stays small. Its data contains batch ids
        // and error causes, which are in the execution history already.
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      timeout: sweepTimeout(teardownTimeout, maxConcurrency),
    });
  }
}

/**
 * Execution timeout of the sweep: the largest selection in waves of maxConcurrency teardowns,
 * each wave as long as one tearDownBatch Task may take, plus an hour for the other steps.
 */
export function sweepTimeout(teardownTimeout: Duration, maxConcurrency: number): Duration {
  const waves = Math.ceil(MAX_BATCHES_LIMIT / maxConcurrency);
  const perWaveSeconds = teardownTimeout.plus(TEARDOWN_TASK_MARGIN).toSeconds();
  return Duration.seconds(waves * perWaveSeconds + 3600);
}

function validateMaxConcurrency(maxConcurrency: number): void {
  if (
    !Number.isInteger(maxConcurrency) ||
    maxConcurrency < 1 ||
    maxConcurrency > MAX_SWEEP_CONCURRENCY
  ) {
    throw new Error(
      `maxConcurrency is ${maxConcurrency}; it must be a whole number from 1 to ` +
        `${MAX_SWEEP_CONCURRENCY}, because every teardown polls the API and its rate limits ` +
        'count all calls together.',
    );
  }
}
