import { Duration } from 'aws-cdk-lib';
import type { Node } from 'constructs';
import type { HandlerLogLevel } from './batch-teardown';

/** Settings of the app, read from cdk.json context or `cdk deploy -c key=value`. */
export interface AppSettings {
  /** Name or ARN of an existing secret with the API key; absent means the stack creates one. */
  readonly apiKeySecret?: string;
  readonly pollInterval?: Duration;
  readonly maxPollRetries?: number;
  readonly apiBaseUrl?: string;
  readonly logLevel?: HandlerLogLevel;
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
  };
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
