/**
 * Measurement 4 (counts): state transitions and history events of local runs that end after a
 * chosen number of poll retries. The emulator's clock moves one step per retrieve, and the batch
 * ends `pollRetries` steps after the cancel request, so the run makes exactly pollRetries + 1
 * retrieves whatever the machine's speed.
 */
import { startEmulator, type Clock } from '../../emulator';
import type { BatchTeardownProps } from '../../lib/batch-teardown';
import { synthesizeTeardown } from '../../local/definition';
import { runLocalExecution } from '../../local/run';
import { BENCH_API_KEY } from './context';
import { batchRequests } from './events';
import { type HistoryCounts, countHistory } from './history-model';
import type { BenchSettings } from './settings';
import { type Summary, summarize } from './stats';

/** Emulator clock step per retrieve, in milliseconds. */
const CLOCK_STEP_MS = 1_000;
/** Long enough that no batch ends by itself during a run. */
const BATCH_DURATION_MS = 12 * 60 * 60 * 1000;

/** Goal: each extra poll cycle costs at most this many state transitions. */
export const TRANSITIONS_PER_CYCLE_GOAL = 3;

/** Runs that made the same number of retrieves. */
export interface TransitionRow extends HistoryCounts {
  /** Retrieves after the first. */
  readonly pollRetries: number;
  readonly polls: number;
  readonly status: string;
  readonly error?: string;
  /** Wall time of the local runs in fast mode (Wait states shortened to milliseconds). */
  readonly durationMs: Summary;
}

export interface TransitionResult {
  readonly rows: TransitionRow[];
  /** Extra transitions per extra poll cycle, from the shortest and longest succeeded runs. */
  readonly transitionsPerCycle: number;
  /** Extra estimated AWS history events per extra poll cycle. */
  readonly awsEventsPerCycle: number;
  readonly awsEventsWorstCasePerCycle: number;
}

/**
 * Runs the workflow `runs` times for each retry count and, when `neverEnding` is set, runs whose
 * batch never ends, which fail with BatchNotEnded after maxPollRetries + 1 retrieves.
 */
export async function measureTransitions(
  settings: Pick<BenchSettings, 'pollRetries' | 'runsPerRetryCount' | 'neverEndingRuns'>,
  teardownProps: BatchTeardownProps,
): Promise<TransitionResult> {
  const maxPollRetries = teardownProps.maxPollRetries ?? 240;
  const { definition } = synthesizeTeardown(teardownProps);
  const retryCounts = [...settings.pollRetries];
  if (settings.neverEndingRuns) retryCounts.push(maxPollRetries + 1);
  const rows: TransitionRow[] = [];
  for (const retries of retryCounts) {
    const outcomes: RunOutcome[] = [];
    for (let run = 0; run < settings.runsPerRetryCount; run += 1) {
      outcomes.push(await runWithRetries(retries, teardownProps));
    }
    rows.push(toRow(retries, outcomes, (outcome) => countHistory(outcome.history, definition)));
  }
  const succeeded = rows.filter((row) => row.status === 'SUCCEEDED');
  const shortest = succeeded[0];
  const longest = succeeded[succeeded.length - 1];
  const perCycle = (pick: (row: TransitionRow) => number): number =>
    shortest === undefined || longest === undefined || longest.polls === shortest.polls
      ? Number.NaN
      : (pick(longest) - pick(shortest)) / (longest.polls - shortest.polls);
  return {
    rows,
    transitionsPerCycle: perCycle((row) => row.transitions),
    awsEventsPerCycle: perCycle((row) => row.awsEvents),
    awsEventsWorstCasePerCycle: perCycle((row) => row.awsEventsWorstCase),
  };
}

interface RunOutcome {
  readonly polls: number;
  readonly status: string;
  readonly error?: string;
  readonly history: Awaited<ReturnType<typeof runLocalExecution>>['history'];
  readonly durationMs: number;
}

async function runWithRetries(
  retries: number,
  teardownProps: BatchTeardownProps,
): Promise<RunOutcome> {
  let polls = 0;
  const startMs = Date.now();
  const clock: Clock = { now: () => startMs + polls * CLOCK_STEP_MS };
  const emulator = await startEmulator({
    apiKeys: [BENCH_API_KEY],
    clock,
    batchDurationMs: BATCH_DURATION_MS,
    cancelDelayMs: retries * CLOCK_STEP_MS,
    onRequest: (record) => {
      if (record.route === 'retrieveMessageBatch') polls += 1;
    },
  });
  try {
    const startedMs = performance.now();
    const result = await runLocalExecution({
      input: { requests: batchRequests(2) },
      apiUrl: emulator.url,
      apiKey: BENCH_API_KEY,
      fast: true,
      teardownProps,
      logLevel: 'ERROR',
    });
    const durationMs = performance.now() - startedMs;
    return {
      polls,
      status: result.status,
      error: result.error,
      history: result.history,
      durationMs,
    };
  } finally {
    await emulator.close();
  }
}

function toRow(
  retries: number,
  outcomes: RunOutcome[],
  count: (outcome: RunOutcome) => HistoryCounts,
): TransitionRow {
  const [first] = outcomes;
  if (first === undefined) throw new Error(`No run was made with ${retries} poll retries.`);
  const counts = count(first);
  for (const outcome of outcomes) {
    const again = count(outcome);
    if (outcome.polls !== first.polls || again.transitions !== counts.transitions) {
      throw new Error(
        `Runs with ${retries} poll retries differ: ${first.polls} and ${outcome.polls} polls, ` +
          `${counts.transitions} and ${again.transitions} transitions.`,
      );
    }
  }
  return {
    ...counts,
    pollRetries: first.polls - 1,
    polls: first.polls,
    status: first.status,
    error: first.error,
    durationMs: summarize(outcomes.map((outcome) => outcome.durationMs)),
  };
}
