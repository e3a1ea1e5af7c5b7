/** Sample sizes of one benchmark run. */
export interface BenchSettings {
  readonly mode: 'full' | 'quick';
  /** Fresh Node.js processes per handler variant in the cold-start measurement. */
  readonly coldStartSamples: number;
  /** Warm-up calls before the warm measurement, discarded. */
  readonly warmUpCalls: number;
  /** Measured warm calls of each client. */
  readonly warmCalls: number;
  /** Poll retries of the local runs whose transitions are counted. */
  readonly pollRetries: readonly number[];
  /** Local runs per poll-retry count. */
  readonly runsPerRetryCount: number;
  /** Whether to add runs whose batch never ends, which poll maxPollRetries + 1 times. */
  readonly neverEndingRuns: boolean;
  /** Executions of the throughput measurement. */
  readonly throughputExecutions: number;
  /** Executions in flight at once in the throughput measurement. */
  readonly throughputConcurrency: number;
  /** Batch sizes, in requests, submitted inline in the create handler's event. */
  readonly largeSubmitSizes: readonly number[];
  /** Batch sizes, in requests, that the create handler streams from a JSON Lines object in S3. */
  readonly largeS3SubmitSizes: readonly number[];
  /**
   * Prompt length, in characters, of one more S3 object at the largest S3 size. Only its bytes
   * differ from that size's object, so it shows whether peak RSS follows bytes or requests.
   */
  readonly largeS3SubmitLongPromptChars: number;
  /** Child processes per batch size and requests object, inline and from S3. */
  readonly largeSubmitSamples: number;
}

/** Sample sizes of `npm run bench`, sized to finish in under 10 minutes on 2 cores. */
export const FULL_SETTINGS: BenchSettings = {
  mode: 'full',
  coldStartSamples: 15,
  warmUpCalls: 100,
  warmCalls: 1_000,
  pollRetries: [0, 1, 10, 240],
  runsPerRetryCount: 3,
  neverEndingRuns: true,
  throughputExecutions: 1_000,
  throughputConcurrency: 20,
  largeSubmitSizes: [1, 1_000, 10_000],
  largeS3SubmitSizes: [1_000, 10_000, 100_000],
  largeS3SubmitLongPromptChars: 500,
  largeSubmitSamples: 5,
};

/** Sample sizes of `npm run bench:quick`, a smoke run of every measurement in under a minute. */
export const QUICK_SETTINGS: BenchSettings = {
  mode: 'quick',
  coldStartSamples: 2,
  warmUpCalls: 20,
  warmCalls: 200,
  pollRetries: [0, 1, 10],
  runsPerRetryCount: 1,
  neverEndingRuns: false,
  throughputExecutions: 20,
  throughputConcurrency: 10,
  largeSubmitSizes: [1, 1_000, 10_000],
  largeS3SubmitSizes: [1_000, 10_000],
  largeS3SubmitLongPromptChars: 500,
  largeSubmitSamples: 2,
};
