import { formatStateLine, processingStatus, type StateProgress } from '../cli/state-line';
import type { HistoryEvent } from './run';

/** Turns history events into progress lines: elapsed time, state name, processing_status. */
export type ProgressFormatter = (event: HistoryEvent) => string | undefined;

/**
 * Creates a formatter for one execution. It measures elapsed time from the ExecutionStarted
 * event and returns undefined for events that do not get a line.
 */
export function createProgressFormatter(): ProgressFormatter {
  let startedAt: number | undefined;
  return (event) => {
    startedAt ??= event.timestamp;
    const progress = toStateProgress(event, event.timestamp - startedAt);
    return progress === undefined ? undefined : formatStateLine(progress);
  };
}

function toStateProgress(event: HistoryEvent, elapsedMs: number): StateProgress | undefined {
  const state = event.state as { name?: string; output?: unknown } | undefined;
  const stateName = state?.name ?? '';
  switch (event.type) {
    case 'StateExited':
      return {
        kind: 'exited',
        elapsedMs,
        stateName,
        processingStatus: processingStatus(state?.output),
      };
    case 'StateRetried':
      return {
        kind: 'retried',
        elapsedMs,
        stateName,
        attempt: (event.retry as { attempt?: number } | undefined)?.attempt,
      };
    case 'StateFailed':
      return { kind: 'failed', elapsedMs, stateName, error: String(event.Error) };
    default:
      return undefined;
  }
}
