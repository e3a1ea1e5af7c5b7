/**
 * Progress of one state, and the line that shows it. The local runner (local/progress.ts) and the
 * CLI both print these lines, so a local run and a run on AWS read the same.
 */

/** One step of an execution that gets a progress line. */
export type StateProgress =
  | {
      readonly kind: 'exited';
      /** Milliseconds from the start of the execution. */
      readonly elapsedMs: number;
      readonly stateName: string;
      /** `processing_status` found in the state output, if any. */
      readonly processingStatus?: string;
    }
  | {
      readonly kind: 'retried';
      readonly elapsedMs: number;
      readonly stateName: string;
      /** Retry number: 1 for the first retry; undefined when the event does not include it. */
      readonly attempt?: number;
    }
  | {
      readonly kind: 'failed';
      readonly elapsedMs: number;
      readonly stateName: string;
      /** Error name, such as `RateLimited` or `BatchNotEnded`. */
      readonly error: string;
    };

/** Width of the state name column, enough for the longest state name of the workflow. */
const STATE_NAME_WIDTH = 22;

/** Formats a progress line such as `  15.22s  pollUntilEnded        ended`. */
export function formatStateLine(progress: StateProgress): string {
  const elapsed = `${(progress.elapsedMs / 1000).toFixed(2).padStart(7)}s`;
  const prefix = `${elapsed}  ${progress.stateName.padEnd(STATE_NAME_WIDTH)}`;
  switch (progress.kind) {
    case 'exited':
      return `${prefix}${progress.processingStatus ?? ''}`.trimEnd();
    case 'retried':
      return `${prefix}retry ${progress.attempt ?? '?'}`;
    case 'failed':
      return `${prefix}failed with ${progress.error}`;
  }
}

/**
 * Returns the `processing_status` of a state output: the retrieve and cancel handlers return a
 * MessageBatch, and the workflow keeps it under `batch` after submitBatch.
 */
export function processingStatus(output: unknown): string | undefined {
  if (typeof output !== 'object' || output === null) {
    return undefined;
  }
  const record = output as { processing_status?: unknown; batch?: { processing_status?: unknown } };
  const status = record.batch?.processing_status ?? record.processing_status;
  return typeof status === 'string' ? status : undefined;
}
