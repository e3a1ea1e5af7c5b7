/** Exit codes of the CLI. */
export const EXIT_CODES = {
  /** The command did its work; with --wait, the execution succeeded. */
  succeeded: 0,
  /** The execution failed, timed out or was aborted. */
  executionFailed: 1,
  /** Invalid arguments or execution input; nothing was started. */
  usageError: 2,
  /** An AWS SDK call failed. */
  awsError: 3,
} as const;

/** Names of the errors that exit with code 2. */
export type InputErrorName = 'UsageError' | 'InvalidInput' | 'ExecutionAlreadyExists';

/**
 * A usage or input problem found by the CLI, or an execution name already in use. The message
 * names the problem, the value and the fix.
 */
export class CliInputError extends Error {
  override name: InputErrorName;

  constructor(name: InputErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/** Returns what to do about one failed call, or undefined when there is no advice. */
export type FixForError = (errorName: string, message: string) => string | undefined;

/** An AWS SDK call that threw. `cause` is the SDK exception. */
export class AwsCallError extends Error {
  override name = 'AwsCallError';
  /** API operation, such as `StartExecution`. */
  readonly operation: string;
  /** Name of the SDK exception, such as `ExecutionDoesNotExist` or `CredentialsProviderError`. */
  readonly errorName: string;

  constructor(operation: string, cause: unknown, fixFor?: FixForError) {
    const errorName = cause instanceof Error ? cause.name : 'Error';
    const detail = cause instanceof Error ? cause.message : String(cause);
    const fix = fixForSdkError(errorName, detail) ?? fixFor?.(errorName, detail);
    const text = fix === undefined ? detail : `${endSentence(detail)} Fix: ${fix}`;
    super(`${operation} failed: ${errorName}: ${text}`, { cause });
    this.operation = operation;
    this.errorName = errorName;
  }
}

/** Runs one AWS SDK call and wraps whatever it throws in an AwsCallError. */
export async function callAws<T>(
  operation: string,
  call: () => Promise<T>,
  fixFor?: FixForError,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new AwsCallError(operation, error, fixFor);
  }
}

/** Returns what to do about the SDK errors that a missing AWS configuration causes. */
function fixForSdkError(errorName: string, message: string): string | undefined {
  if (/region is missing/i.test(message)) {
    return 'pass --region, or set AWS_REGION or a region in your AWS profile.';
  }
  if (errorName === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return 'configure AWS credentials (aws configure, AWS_PROFILE, or environment variables).';
  }
  if (errorName === 'ExpiredTokenException' || errorName === 'ExpiredToken') {
    return 'refresh your AWS session credentials.';
  }
  return undefined;
}

function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Access key ids: AKIA for long-term keys, ASIA for temporary ones. */
const ACCESS_KEY_ID_PATTERN = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const SECRET_ENV_NAMES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID'];

/**
 * Replaces credentials in a message before it is printed: access key ids, and the values of the
 * credential environment variables wherever they appear.
 */
export function redactCredentials(
  message: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  let redacted = message.replace(ACCESS_KEY_ID_PATTERN, '[redacted]');
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value.length >= 8) {
      redacted = redacted.split(value).join('[redacted]');
    }
  }
  return redacted;
}
