import './promise-polyfill';
import { randomUUID } from 'node:crypto';
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import type { BatchTeardownProps } from '../lib/batch-teardown';
import { type LambdaHandler, invokeLikeLambda } from './lambda-emulation';
import {
  FAST_RETRY_MS,
  FAST_WAIT_MS,
  type HistoryEvent,
  type LocalRunResult,
  runLocalExecution,
  settle,
  withLocalApiKey,
} from './run';
import { type SynthesizedSweep, synthesizeSweep } from './sweep-definition';

type LocalTaskHandlers = NonNullable<
  NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']
>;

export interface LocalSweepOptions {
  /** The sweep's execution input, such as `{"dryRun": true}`. */
  readonly input: unknown;
  /** Base URL of the Message Batches API the handlers call. */
  readonly apiUrl: string;
  /** API key that the handlers send, in place of the one in the Secrets Manager secret. */
  readonly apiKey: string;
  /** Shortens Wait states and Retry intervals to milliseconds, in the teardowns too. */
  readonly fast?: boolean;
  /** Teardown construct props, as cdk.json context would set them. */
  readonly teardownProps?: BatchTeardownProps;
  /** Teardowns that run at the same time. Defaults to the construct's default, 5. */
  readonly maxConcurrency?: number;
  /** Log level of the handlers. Defaults to the level in the synthesized template. */
  readonly logLevel?: string;
  /** Called with every event of the sweep execution as it happens. */
  readonly onEvent?: (event: HistoryEvent) => void;
}

/** One teardown execution that the sweep started. */
export interface LocalTeardownRun {
  readonly batchId: string;
  readonly executionArn: string;
  readonly result: LocalRunResult;
}

export interface LocalSweepResult extends LocalRunResult {
  /** The teardown executions, in the order they ended. */
  readonly teardowns: LocalTeardownRun[];
}

/**
 * Runs the sweep state machine synthesized from the CDK constructs. The select function's code
 * runs in this process, and each tearDownBatch Task runs the teardown state machine locally
 * (runLocalExecution) in place of startExecution.sync:2.
 */
export async function runLocalSweep(options: LocalSweepOptions): Promise<LocalSweepResult> {
  const synthesized = synthesizeCached(options.teardownProps, options.maxConcurrency);
  Object.assign(process.env, synthesized.environment, {
    ANTHROPIC_BASE_URL: options.apiUrl,
    LOG_LEVEL: options.logLevel ?? synthesized.environment.LOG_LEVEL,
  });
  // Imported on first use, so that loading the sweep does not load the handler.
  const { handler } = await import('../lambdas/select-batches');
  const teardowns: LocalTeardownRun[] = [];
  const taskHandlers: LocalTaskHandlers = {};
  for (const stateName of synthesized.selectStates) {
    taskHandlers[stateName] = (input) =>
      withLocalApiKey(options.apiKey, () =>
        invokeLikeLambda(handler as LambdaHandler, 'selectBatches', input),
      ) as ReturnType<LocalTaskHandlers[string]>;
  }
  for (const stateName of synthesized.teardownStates) {
    taskHandlers[stateName] = (input) =>
      runTeardownLikeSync2(
        input as unknown as StartExecutionParameters,
        options,
        teardowns,
      ) as ReturnType<LocalTaskHandlers[string]>;
  }

  const machine = new StateMachine(synthesized.definition as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const started = Date.now();
  const execution = machine.run(options.input as never, {
    overrides: { taskResourceLocalHandlers: taskHandlers, ...fastOverrides(synthesized, options) },
  });
  const history: HistoryEvent[] = [];
  for await (const event of execution.eventLogs) {
    const entry = event as unknown as HistoryEvent;
    history.push(entry);
    options.onEvent?.(entry);
  }
  const outcome = await settle(execution.result, history);
  return { ...outcome, history, teardowns, durationMs: Date.now() - started };
}

/** Parameters of a startExecution Task, as Step Functions resolves them. */
interface StartExecutionParameters {
  readonly Input: { batchId?: unknown };
  readonly StateMachineArn: string;
}

/**
 * Runs one teardown execution and returns or fails as startExecution.sync:2 does. Success returns the
 * execution's description with Output as JSON. A failed execution fails the Task with the error
 * States.TaskFailed and the description as a JSON Cause, whose Error and Cause are the
 * execution's own; the key names and the epoch-millisecond dates follow a TaskFailed event that
 * Step Functions reported for a failed child execution.
 */
async function runTeardownLikeSync2(
  parameters: StartExecutionParameters,
  options: LocalSweepOptions,
  teardowns: LocalTeardownRun[],
): Promise<Record<string, unknown>> {
  const name = randomUUID();
  const executionArn = `${parameters.StateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  const startDate = Date.now();
  const result = await runLocalExecution({
    input: parameters.Input,
    apiUrl: options.apiUrl,
    apiKey: options.apiKey,
    fast: options.fast,
    teardownProps: options.teardownProps,
    logLevel: options.logLevel,
  });
  teardowns.push({ batchId: String(parameters.Input.batchId), executionArn, result });
  const description = {
    ExecutionArn: executionArn,
    Input: parameters.Input,
    InputDetails: { Included: true },
    Name: name,
    RedriveCount: 0,
    StartDate: startDate,
    StateMachineArn: parameters.StateMachineArn,
    StopDate: Date.now(),
  };
  if (result.status === 'SUCCEEDED') {
    return {
      ...description,
      Output: result.output,
      OutputDetails: { Included: true },
      RedriveStatus: 'NOT_REDRIVABLE',
      Status: 'SUCCEEDED',
    };
  }
  const error = new Error(
    JSON.stringify({
      Cause: result.cause,
      Error: result.error,
      ...description,
      RedriveStatus: 'REDRIVABLE',
      Status: 'FAILED',
    }),
  );
  error.name = 'States.TaskFailed';
  throw error;
}

const synthesisCache = new Map<string, SynthesizedSweep>();

function synthesizeCached(
  teardownProps: BatchTeardownProps = {},
  maxConcurrency?: number,
): SynthesizedSweep {
  const key = JSON.stringify({ teardownProps, maxConcurrency });
  let result = synthesisCache.get(key);
  if (result === undefined) {
    result = synthesizeSweep(teardownProps, maxConcurrency);
    synthesisCache.set(key, result);
  }
  return result;
}

function fastOverrides(
  { definition }: SynthesizedSweep,
  options: LocalSweepOptions,
): Omit<NonNullable<RunOptions['overrides']>, 'taskResourceLocalHandlers'> {
  if (!options.fast) {
    return {};
  }
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [stateName, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') {
      waitTimeOverrides[stateName] = FAST_WAIT_MS;
    }
    if (Array.isArray(state.Retry)) {
      retryIntervalOverrides[stateName] = FAST_RETRY_MS;
    }
  }
  return { waitTimeOverrides, retryIntervalOverrides };
}
