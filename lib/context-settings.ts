import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import { InvalidInputError } from '../lambdas/shared/errors';
import { type SweepCriteria, validateSweepCriteria } from '../lambdas/shared/sweep-criteria';
import type { HandlerLogLevel } from './batch-teardown';
import { describeScheduleProblem } from './cleanup-schedule';

/** Settings of the app, read from cdk.json context or `cdk deploy -c key=value`. */
export interface AppSettings {
  /** Name or ARN of an existing secret with the API key; absent means the stack creates one. */
  readonly apiKeySecret?: string;
  readonly pollInterval?: Duration;
  readonly maxPollRetries?: number;
  readonly apiBaseUrl?: string;
  readonly logLevel?: HandlerLogLevel;
  /** EventBridge Scheduler expression of the cleanup sweep. Absent means no schedule. */
  readonly cleanupSchedule?: string;
  /** Input of each scheduled sweep, validated, with the defaults filled in. */
  readonly cleanupInput?: SweepCriteria;
  /** Email address subscribed to the alarm topic. Absent means no topic. */
  readonly alarmEmail?: string;
  /** Name of the bucket that requestsS3Uri inputs may read; absent means no S3 input. */
  readonly requestsBucketName?: string;
  /** Key prefix under which the requests bucket may be read. */
  readonly requestsPrefix?: string;
}

const LOG_LEVELS: readonly HandlerLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * Reads the app settings from context. Values given with `-c` arrive as strings, so numbers are
 * parsed here and a bad value fails the synth with the key, the value and the fix.
 */
export function readAppSettings(node: Node): AppSettings {
  const secretName = optionalString(node, 'apiKeySecretName');
  const secretArn = optionalString(node, 'apiKeySecretArn');
  if (secretName && secretArn) {
    throw new Error(
      'Context sets both apiKeySecretName and apiKeySecretArn; set only one of them.',
    );
  }
  const pollSeconds = optionalNumber(node, 'pollIntervalSeconds');
  return {
    apiKeySecret: secretArn ?? secretName,
    pollInterval: pollSeconds === undefined ? undefined : Duration.seconds(pollSeconds),
    maxPollRetries: optionalNumber(node, 'maxPollRetries'),
    apiBaseUrl: optionalString(node, 'apiBaseUrl'),
    logLevel: optionalLogLevel(node),
    ...readCleanupSettings(node),
    alarmEmail: optionalEmail(node, 'alarmEmail'),
    requestsBucketName: optionalString(node, 'requestsBucketName'),
    requestsPrefix: optionalString(node, 'requestsPrefix'),
  };
}

function readCleanupSettings(node: Node): Pick<AppSettings, 'cleanupSchedule' | 'cleanupInput'> {
  const cleanupSchedule = optionalString(node, 'cleanupSchedule');
  const rawInput: unknown = node.tryGetContext('cleanupInput');
  const hasInput = rawInput !== undefined && rawInput !== null && rawInput !== '';
  if (cleanupSchedule === undefined) {
    if (hasInput) {
      throw new Error(
        'Context sets cleanupInput but not cleanupSchedule; set cleanupSchedule, such as ' +
          '"rate(1 day)", or remove cleanupInput.',
      );
    }
    return {};
  }
  const problem = describeScheduleProblem(cleanupSchedule);
  if (problem !== undefined) {
    throw new Error(
      `Context cleanupSchedule is "${cleanupSchedule}"; ${problem}. ` +
        'Example: "rate(1 day)" or "cron(0 3 * * ? *)".',
    );
  }
  return { cleanupSchedule, cleanupInput: parseCleanupInput(hasInput ? rawInput : {}) };
}

/** Parses cleanupInput, given as an object in cdk.json or as a JSON string with -c. */
function parseCleanupInput(value: unknown): SweepCriteria {
  let input = value;
  if (typeof value === 'string') {
    try {
      input = JSON.parse(value) as unknown;
    } catch (error) {
      throw new Error(
        `Context cleanupInput is not valid JSON (${(error as Error).message}); ` +
          'pass an object such as \'{"dryRun": true}\'.',
        { cause: error },
      );
    }
  }
  try {
    return validateSweepCriteria(input);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    throw new Error(`Context cleanupInput is invalid. ${error.message}`, { cause: error });
  }
}

function optionalEmail(node: Node, key: string): string | undefined {
  const value = optionalString(node, key);
  if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
    throw new Error(
      `Context ${key} is "${value}"; it must be an email address such as ops@example.com.`,
    );
  }
  return value;
}

function optionalString(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new Error(`Context ${key} is ${JSON.stringify(value)}; it must be a string.`);
  }
  return value;
}

function optionalNumber(node: Node, key: string): number | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed)) {
    throw new Error(`Context ${key} is ${JSON.stringify(value)}; it must be a number.`);
  }
  return parsed;
}

function optionalLogLevel(node: Node): HandlerLogLevel | undefined {
  const value = optionalString(node, 'logLevel');
  if (value === undefined) {
    return undefined;
  }
  const level = value.toUpperCase() as HandlerLogLevel;
  if (!LOG_LEVELS.includes(level)) {
    throw new Error(`Context logLevel is "${value}"; use one of ${LOG_LEVELS.join(', ')}.`);
  }
  return level;
}
