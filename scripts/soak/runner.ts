import { type Emulator, type LedgerEntry, startEmulator } from '../../emulator';
import { runLocalExecution } from '../../local/run';
import { checkLedger, type ExecutionResult, type SoakCheck } from './ledger-check';
import { buildPlan, executionInput, type PlannedExecution } from './plan';

/** Key the soak's emulator accepts. It is not a real Anthropic key. */
const SOAK_API_KEY = 'sk-ant-soak-accepted-key';
/** Key that wrong-api-key executions send, which the emulator rejects with 401. */
const WRONG_API_KEY = 'sk-ant-soak-rejected-key';

/**
 * Time after created_at at which a batch ends unless canceled. It outlasts the soak, so only the
 * ended-before-cancel scenario has a batch that ends before its cancel request.
 */
const BATCH_DURATION_MS = 60 * 60 * 1000;

/** Maximum number of executions in flight at once. */
export const MAX_CONCURRENCY = 200;

/**
 * Time after which the soak stops waiting for one execution and records it as SoakTimeout. The
 * longest scenario, batch-not-ended, makes 241 retrieves, which take about 10 s under load.
 */
const EXECUTION_TIMEOUT_MS = 120_000;

export interface SoakOptions {
  readonly executions: number;
  /** Seed of the plan. The same seed gives each execution index the same scenario. */
  readonly seed: number;
  /** Executions in flight at once. @default 20 */
  readonly concurrency?: number;
  /** Called once the emulator has every rule and before the first execution starts. @default none */
  readonly beforeExecutions?: (emulator: Emulator) => void | Promise<void>;
  /** Called after each execution ends, with the number ended so far. @default none */
  readonly onExecutionEnd?: (ended: number, total: number) => void;
}

/** Everything a soak produced, for the table and for tests. */
export interface SoakReport {
  readonly seed: number;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly results: readonly ExecutionResult[];
  readonly ledger: readonly LedgerEntry[];
  readonly check: SoakCheck;
}

/**
 * Runs a soak: one emulator on 127.0.0.1, then `executions` local executions of the teardown
 * workflow in fast mode, at most `concurrency` at a time, each with its own custom_id prefix,
 * scenario, fault rules and timing. Once all have ended it checks the emulator's ledger.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const concurrency = options.concurrency ?? 20;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new RangeError(
      `The concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got ${concurrency}`,
    );
  }
  const plan = buildPlan(options.seed, options.executions);
  const emulator = await startEmulator({
    apiKeys: [SOAK_API_KEY],
    batchDurationMs: BATCH_DURATION_MS,
  });
  try {
    plan.forEach((planned) => addRules(emulator, planned));
    await options.beforeExecutions?.(emulator);
    const started = Date.now();
    let ended = 0;
    const results = await runPool(plan, concurrency, async (planned) => {
      const result = await runExecution(planned, emulator.url);
      ended += 1;
      options.onExecutionEnd?.(ended, plan.length);
      return result;
    });
    const durationMs = Date.now() - started;
    const ledger = emulator.ledger();
    const check = checkLedger(results, ledger);
    return { seed: options.seed, concurrency, durationMs, results, ledger, check };
  } finally {
    await emulator.close();
  }
}

/** Adds the execution's fault rules and the timing of its batch, both limited to its prefix. */
function addRules(emulator: Emulator, planned: PlannedExecution): void {
  const { customIdPrefix, scenario } = planned;
  for (const fault of scenario.faults ?? []) {
    emulator.addFault({ ...fault, customIdPrefix });
  }
  emulator.addTimingRule({
    customIdPrefix,
    cancelDelayMs: planned.cancelDelayMs,
    ...scenario.timing,
  });
}

/**
 * Runs one execution. A runner defect or a hang becomes a failed result (RunnerError,
 * SoakTimeout) instead of stopping the soak, so the ledger check still runs.
 */
async function runExecution(planned: PlannedExecution, apiUrl: string): Promise<ExecutionResult> {
  const startedMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => {
      const cause = `The execution did not end within ${EXECUTION_TIMEOUT_MS} ms.`;
      resolve({
        planned,
        status: 'FAILED',
        error: 'SoakTimeout',
        cause,
        durationMs: Date.now() - startedMs,
      });
    }, EXECUTION_TIMEOUT_MS);
  });
  const run = runLocalExecution({
    input: executionInput(planned),
    apiUrl,
    apiKey: planned.scenario.wrongApiKey === true ? WRONG_API_KEY : SOAK_API_KEY,
    fast: true,
    logLevel: 'CRITICAL',
  }).then(
    (result): ExecutionResult => ({
      planned,
      status: result.status,
      error: result.error,
      cause: result.cause,
      durationMs: result.durationMs,
    }),
    (error: unknown): ExecutionResult => ({
      planned,
      status: 'FAILED',
      error: 'RunnerError',
      cause: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      durationMs: Date.now() - startedMs,
    }),
  );
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Maps `items` through `work` with at most `concurrency` calls pending, keeping the order. */
async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const position = next;
      next += 1;
      results[position] = await work(items[position] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
