import { Duration } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchFunctions } from './batch-functions';
import {
  allowRequestsBucket,
  readRequestsBucketProps,
  type RequestsBucketSettings,
  S3_CREATE_LAMBDA_TIMEOUT,
  S3_CREATE_MEMORY_MB,
} from './requests-bucket';
import { buildTeardownDefinition } from './teardown-definition';

/** Log levels of the handlers' logger. */
export type HandlerLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface BatchTeardownProps {
  /**
   * Secret that contains the Anthropic API key, as a plain string or as JSON `{"apiKey": "..."}`.
   * @default a new secret with a placeholder value; put the key in it before the first execution
   */
  readonly apiKeySecret?: secretsmanager.ISecret;
  /**
   * Time between two retrieves of the batch.
   * @default Duration.seconds(15)
   */
  readonly pollInterval?: Duration;
  /**
   * Retrieves after the first one before the execution fails with BatchNotEnded.
   * @default 240, so at most 241 retrieves
   */
  readonly maxPollRetries?: number;
  /**
   * Base URL of the Message Batches API; must be https.
   * @default 'https://api.anthropic.com'
   */
  readonly apiBaseUrl?: string;
  /**
   * Log level of the handlers.
   * @default 'INFO'
   */
  readonly logLevel?: HandlerLogLevel;
  /**
   * Bucket from which `{"requestsS3Uri": "s3://bucket/key"}` inputs read their requests. The
   * create function may read only the objects under requestsPrefix in it, and gets a 15 minute
   * Lambda timeout and 512 MB of memory for the upload.
   * @default no bucket: an input with requestsS3Uri fails with InvalidInput
   */
  readonly requestsBucket?: s3.IBucket;
  /**
   * Key prefix under which requestsBucket objects may be read, such as `batches/`; it must not
   * contain `*` or `?`. Requires requestsBucket.
   * @default '' (every object of requestsBucket)
   */
  readonly requestsPrefix?: string;
}

export const DEFAULT_POLL_INTERVAL = Duration.seconds(15);
export const DEFAULT_MAX_POLL_RETRIES = 240;
export const DEFAULT_API_BASE_URL = 'https://api.anthropic.com';
/** Upper bound of maxPollRetries that keeps a full run well under the 25,000-event history limit. */
export const MAX_POLL_RETRIES_LIMIT = 2000;

/**
 * The cancel-and-delete-batch workflow: four handler functions and the Standard state machine
 * that submits a batch, requests its cancellation, polls until it has ended and deletes it.
 */
export class BatchTeardown extends Construct {
  /** The teardown state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The secret the handlers read the API key from. */
  public readonly apiKeySecret: secretsmanager.ISecret;
  /** True when this construct created the secret, which then still needs the key. */
  public readonly createdSecret: boolean;
  /** The handler functions by operation. */
  public readonly functions: BatchFunctions;
  /** The bucket and prefix that requestsS3Uri inputs may name, when S3 input is enabled. */
  public readonly requestsBucket?: RequestsBucketSettings;
  /** Execution timeout of the state machine. */
  public readonly executionTimeout: Duration;

  constructor(scope: Construct, id: string, props: BatchTeardownProps = {}) {
    super(scope, id);
    const pollInterval = props.pollInterval ?? DEFAULT_POLL_INTERVAL;
    const maxPollRetries = props.maxPollRetries ?? DEFAULT_MAX_POLL_RETRIES;
    validatePollSettings(pollInterval, maxPollRetries);
    this.requestsBucket = readRequestsBucketProps(props.requestsBucket, props.requestsPrefix);
    this.executionTimeout = executionTimeout(pollInterval, maxPollRetries);

    this.createdSecret = props.apiKeySecret === undefined;
    this.apiKeySecret =
      props.apiKeySecret ??
      new secretsmanager.Secret(this, 'ApiKey', {
        description: 'Anthropic API key used by the batch teardown workflow',
      });
    this.functions = new BatchFunctions(this, 'Functions', {
      apiKeySecret: this.apiKeySecret,
      apiBaseUrl: props.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      logLevel: props.logLevel ?? 'INFO',
      ...(this.requestsBucket === undefined
        ? {}
        : { createTimeout: S3_CREATE_LAMBDA_TIMEOUT, createMemorySize: S3_CREATE_MEMORY_MB }),
    });
    if (this.requestsBucket !== undefined) {
      allowRequestsBucket(this.functions.byOperation.createMessageBatch, this.requestsBucket);
    }
    const definition = buildTeardownDefinition(this, this.functions.byOperation, {
      pollInterval,
      maxPollRetries,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'StateMachineLogs', {
          retention: logs.RetentionDays.ONE_MONTH,
        }),
        level: sfn.LogLevel.ERROR,
        // Execution data includes the requests, which hold prompts.
        includeExecutionData: false,
      },
      timeout: this.executionTimeout,
    });
  }
}

/**
 * Execution timeout: every poll cycle at its full length (the wait plus a retrieve that may
 * itself be retried), plus an hour for the submit, cancel and delete steps and their retries.
 */
export function executionTimeout(pollInterval: Duration, maxPollRetries: number): Duration {
  const perCycleSeconds = pollInterval.toSeconds() + 60;
  return Duration.seconds((maxPollRetries + 1) * perCycleSeconds + 3600);
}

function validatePollSettings(pollInterval: Duration, maxPollRetries: number): void {
  if (
    !Number.isInteger(maxPollRetries) ||
    maxPollRetries < 0 ||
    maxPollRetries > MAX_POLL_RETRIES_LIMIT
  ) {
    throw new Error(
      `maxPollRetries is ${maxPollRetries}; it must be an integer from 0 to ${MAX_POLL_RETRIES_LIMIT}, ` +
        'because each poll cycle adds about 9 history events and a Standard execution holds at most 25,000.',
    );
  }
  const pollMillis = pollInterval.toMilliseconds();
  if (pollMillis < 1000 || pollMillis % 1000 !== 0) {
    throw new Error(
      `pollInterval is ${pollMillis} ms; it must be a whole number of seconds, at least 1 second.`,
    );
  }
}
