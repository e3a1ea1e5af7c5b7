import {
  DescribeExecutionCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { callAws, CliInputError, EXIT_CODES } from './cli-errors';
import type { ExecutionSummary } from './reporter';

/** Parameters of one StartExecution call. */
export interface StartRequest {
  readonly stateMachineArn: string;
  /** Execution input; sent as JSON. */
  readonly input: unknown;
  /** Execution name; undefined lets Step Functions choose a UUID. */
  readonly executionName?: string;
}

/** Execution that StartExecution returned. */
export interface StartedExecution {
  readonly executionArn: string;
  readonly startDate?: Date;
}

/**
 * Starts an execution. Step Functions returns the running execution again when the same name is
 * started with the same input; otherwise a name in use throws CliInputError ExecutionAlreadyExists.
 */
export async function startExecution(
  sfn: SFNClient,
  request: StartRequest,
): Promise<StartedExecution> {
  const command = new StartExecutionCommand({
    stateMachineArn: request.stateMachineArn,
    input: JSON.stringify(request.input),
    name: request.executionName,
  });
  try {
    const response = await callAws('StartExecution', () => sfn.send(command));
    return { executionArn: response.executionArn ?? '', startDate: response.startDate };
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    const name = request.executionName;
    if (cause instanceof Error && cause.name === 'ExecutionAlreadyExists' && name !== undefined) {
      throw alreadyExists(request.stateMachineArn, name);
    }
    throw error;
  }
}

function alreadyExists(stateMachineArn: string, executionName: string): CliInputError {
  return new CliInputError(
    'ExecutionAlreadyExists',
    `An execution named "${executionName}" already exists and either has ended or ` +
      'was started with different input. A name can be used again 90 days after its ' +
      `execution ends. Fix: check it with ` +
      `"status ${executionArnFor(stateMachineArn, executionName)}", or start with ` +
      'another --name.',
  );
}

/**
 * Returns the ARN of the execution with this name: arn:PARTITION:states:REGION:ACCOUNT:execution:
 * STATE_MACHINE:NAME. A version or alias suffix of the state machine ARN is not part of it.
 */
function executionArnFor(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(':');
  const accountPrefix = parts.slice(0, 5).join(':');
  return `${accountPrefix}:execution:${parts[6] ?? ''}:${executionName}`;
}

/** Calls DescribeExecution and parses the output. */
export async function describeExecution(
  sfn: SFNClient,
  executionArn: string,
): Promise<ExecutionSummary> {
  const response = await callAws(
    'DescribeExecution',
    () => sfn.send(new DescribeExecutionCommand({ executionArn })),
    (errorName) =>
      errorName === 'ExecutionDoesNotExist'
        ? 'check the ARN, and the --region option if you passed one.'
        : undefined,
  );
  return {
    executionArn: response.executionArn ?? executionArn,
    status: response.status ?? 'UNKNOWN',
    startDate: response.startDate,
    stopDate: response.stopDate,
    output: parseOutput(response.output),
    error: response.error,
    cause: response.cause,
  };
}

/** Returns the exit code for an execution status: RUNNING and SUCCEEDED are 0. */
export function exitCodeForStatus(status: string): number {
  return status === 'SUCCEEDED' || status === 'RUNNING'
    ? EXIT_CODES.succeeded
    : EXIT_CODES.executionFailed;
}

/** Parses execution output; output that is not valid JSON (truncated) stays a string. */
function parseOutput(output: string | undefined): unknown {
  if (output === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return output;
  }
}
