import './promise-polyfill';
import { AsyncLocalStorage } from 'node:async_hooks';
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';

type LocalTaskHandlers = NonNullable<
  NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']
>;
import type { BatchOperation } from '../lib/batch-functions';
import type { BatchTeardownProps } from '../lib/batch-teardown';
import {
  type LocalRequestsBucket,
  type SynthesizedTeardown,
  synthesizeTeardown,
} from './definition';
import { checkInputSize } from './input-limits';
import { type LambdaHandler, invokeLikeLambda } from './lambda-emulation';
import { checkS3Endpoint, clearCreateOnlyVariables, s3EndpointEnvironment } from './s3-endpoint';

/** Pause of every Wait state in fast mode, in milliseconds. */
export const FAST_WAIT_MS = 20;
/** Pause before every Retry in fast mode, in milliseconds. */
export const FAST_RETRY_MS = 5;

export interface LocalRunOptions {
  /** The execution input, as it would be given to StartExecution. */
  readonly input: unknown;
  /** Base URL of the Message Batches API the handlers call. */
  readonly apiUrl: string;
  /** API key the handlers send, in place of the Secrets Manager secret. */
  readonly apiKey: string;
  /** Shortens Wait states and Retry intervals to milliseconds. */
  readonly fast?: boolean;
  /** Construct props, as cdk.json context would set them. */
  readonly teardownProps?: BatchTeardownProps;
  /**
   * Bucket and prefix that requestsS3Uri inputs may name, as context requestsBucketName and
   * requestsPrefix set them for a deployment.
   */
  readonly requestsBucket?: LocalRequestsBucket;
  /**
   * URL of an S3-compatible server on a loopback host from which requestsS3Uri objects are
   * read, with the credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Without it a
   * requestsS3Uri input fails, so that a local run never reads from AWS.
   */
  readonly s3EndpointUrl?: string;
  /** Log level of the handlers; defaults to the level in the synthesized template. */
  readonly logLevel?: string;
  /** Called with every execution history event as it happens. */
  readonly onEvent?: (event: HistoryEvent) => void;
}

/** One event of the local execution history, as aws-local-stepfunctions reports it. */
export type HistoryEvent = Record<string, unknown> & { type: string; timestamp: number };

export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  /** Execution output when the execution succeeded. */
  readonly output?: unknown;
  /** Error and cause when the execution failed. */
  readonly error?: string;
  readonly cause?: string;
  /** Every history event, in order. */
  readonly history: HistoryEvent[];
  readonly durationMs: number;
}

export { checkInputSize } from './input-limits';

/**
 * Runs the teardown state machine synthesized from the CDK construct, with the real handler code
 * in this process standing in for the four Lambda functions. Only the key source differs from
 * AWS: the handlers get `apiKey` instead of reading Secrets Manager.
 */
export async function runLocalExecution(options: LocalRunOptions): Promise<LocalRunResult> {
  const oversize = checkInputSize(options.input);
  if (oversize !== undefined) {
    return { status: 'FAILED', error: 'InvalidInput', cause: oversize, history: [], durationMs: 0 };
  }
  const s3Problem = checkS3Endpoint(options.input, options.s3EndpointUrl);
  if (s3Problem !== undefined) {
    return {
      status: 'FAILED',
      error: 'InvalidInput',
      cause: s3Problem,
      history: [],
      durationMs: 0,
    };
  }
  const synthesized = synthesizeCached(options.teardownProps, options.requestsBucket);
  clearCreateOnlyVariables(synthesized.environment);
  Object.assign(
    process.env,
    synthesized.environment,
    s3EndpointEnvironment(options.s3EndpointUrl),
    {
      ANTHROPIC_BASE_URL: options.apiUrl,
      LOG_LEVEL: options.logLevel ?? synthesized.environment.LOG_LEVEL,
    },
  );
  // Imported on first use, so that loading the runner does not load the handlers.
  const { LOCAL_HANDLERS, setApiKeyProvider } = await import('./handlers');
  setApiKeyProvider(readExecutionApiKey, LOCAL_KEY_SOURCE);

  const machine = machineFor(synthesized);
  const started = Date.now();
  const execution = machine.run(options.input as never, {
    overrides: buildOverrides(synthesized, LOCAL_HANDLERS, options.apiKey, options.fast),
  });
  const history: HistoryEvent[] = [];
  for await (const event of execution.eventLogs) {
    const entry = event as unknown as HistoryEvent;
    history.push(entry);
    options.onEvent?.(entry);
  }
  return {
    ...(await settle(execution.result, history)),
    history,
    durationMs: Date.now() - started,
  };
}

const synthesisCache = new Map<string, SynthesizedTeardown>();

/** Synthesizes once per distinct set of props; a synth takes about a second. */
function synthesizeCached(
  props: BatchTeardownProps = {},
  requestsBucket?: LocalRequestsBucket,
): SynthesizedTeardown {
  const key = JSON.stringify([props, requestsBucket]);
  let result = synthesisCache.get(key);
  if (result === undefined) {
    result = synthesizeTeardown(props, requestsBucket);
    synthesisCache.set(key, result);
  }
  return result;
}

const machineCache = new WeakMap<SynthesizedTeardown, StateMachine>();

/**
 * Builds the StateMachine once per synthesized definition. Its constructor validates the
 * definition with asl-validator, which compiles a JSON schema on every call and costs more CPU
 * than a whole fast-mode execution. Each run() starts an independent execution, so concurrent
 * runs share one instance.
 */
function machineFor(synthesized: SynthesizedTeardown): StateMachine {
  let machine = machineCache.get(synthesized);
  if (machine === undefined) {
    machine = new StateMachine(synthesized.definition as never, {
      validationOptions: { checkArn: true, checkPaths: true },
    });
    machineCache.set(synthesized, machine);
  }
  return machine;
}

/** Returns the execution's status with its output, or with the error and cause of ExecutionFailed. */
export async function settle(
  result: Promise<unknown>,
  history: HistoryEvent[],
): Promise<Pick<LocalRunResult, 'status' | 'output' | 'error' | 'cause'>> {
  try {
    return { status: 'SUCCEEDED', output: await result };
  } catch (thrown) {
    const failed = history.find((event) => event.type === 'ExecutionFailed');
    if (failed === undefined) {
      throw thrown;
    }
    return { status: 'FAILED', error: String(failed.Error), cause: String(failed.Cause) };
  }
}

/**
 * The API key of the execution whose handler is running. Concurrent local executions may use
 * different keys, so the key travels with each handler call instead of in a global.
 */
const executionApiKey = new AsyncLocalStorage<string>();

/** Name of the local runner's key source in authentication errors. */
const LOCAL_KEY_SOURCE =
  'the local runner (ANTHROPIC_API_KEY with --api-url, or the key it gave the embedded emulator)';

/**
 * Runs `call` with `apiKey` as the key that the handlers in this process read, as a local
 * execution does. The local sweep runs its select function through it.
 */
export async function withLocalApiKey<T>(apiKey: string, call: () => Promise<T>): Promise<T> {
  const { setApiKeyProvider } = await import('./handlers');
  setApiKeyProvider(readExecutionApiKey, LOCAL_KEY_SOURCE);
  return executionApiKey.run(apiKey, call);
}

function readExecutionApiKey(): Promise<string> {
  const apiKey = executionApiKey.getStore();
  if (apiKey === undefined) {
    return Promise.reject(
      new Error('A handler ran outside a local execution, so it has no API key.'),
    );
  }
  return Promise.resolve(apiKey);
}

function buildOverrides(
  { definition, operationByState }: SynthesizedTeardown,
  handlers: Record<BatchOperation, LambdaHandler>,
  apiKey: string,
  fast = false,
): RunOptions['overrides'] {
  const taskResourceLocalHandlers: LocalTaskHandlers = {};
  for (const [stateName, operation] of Object.entries(operationByState)) {
    const handler = handlers[operation];
    taskResourceLocalHandlers[stateName] = (input) =>
      executionApiKey.run(apiKey, () => invokeLikeLambda(handler, operation, input)) as ReturnType<
        LocalTaskHandlers[string]
      >;
  }
  if (!fast) {
    return { taskResourceLocalHandlers };
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
  return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides };
}
