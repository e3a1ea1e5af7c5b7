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
    const elapsed = `${((event.timestamp - startedAt) / 1000).toFixed(2).padStart(7)}s`;
    const state = event.state as { name?: string; output?: unknown } | undefined;
    const prefix = `${elapsed}  ${(state?.name ?? '').padEnd(22)}`;
    switch (event.type) {
      case 'StateExited':
        return `${prefix}${processingStatus(state?.output) ?? ''}`.trimEnd();
      case 'StateRetried':
        return `${prefix}retry ${(event.retry as { attempt?: number } | undefined)?.attempt ?? '?'}`;
      case 'StateFailed':
        return `${prefix}failed with ${String(event.Error)}`;
      default:
        return undefined;
    }
  };
}

function processingStatus(output: unknown): string | undefined {
  if (typeof output !== 'object' || output === null) {
    return undefined;
  }
  const record = output as { processing_status?: unknown; batch?: { processing_status?: unknown } };
  const status = record.batch?.processing_status ?? record.processing_status;
  return typeof status === 'string' ? status : undefined;
}
