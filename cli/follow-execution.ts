import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';
import { callAws } from './cli-errors';
import { describeExecution } from './executions';
import { HistoryProgress } from './history-progress';
import type { ExecutionSummary, Reporter } from './reporter';

/** Pause between two reads of the execution history, in milliseconds. */
export const HISTORY_POLL_INTERVAL_MS = 2_000;

export interface FollowOptions {
  readonly sfn: SFNClient;
  readonly executionArn: string;
  readonly reporter: Reporter;
  readonly sleep: (milliseconds: number) => Promise<void>;
}

/**
 * Reports the progress of an execution until it ends, then returns its DescribeExecution
 * summary. Stopping the CLI stops only the following, not the execution.
 */
export async function followExecution(options: FollowOptions): Promise<ExecutionSummary> {
  const history = new HistoryProgress();
  let lastEventId = 0;
  for (;;) {
    for (const event of await readEventsAfter(options.sfn, options.executionArn, lastEventId)) {
      lastEventId = Math.max(lastEventId, event.id ?? 0);
      const progress = history.read(event);
      if (progress !== undefined) {
        options.reporter.progress(progress);
      }
    }
    if (history.ended) {
      // A redrive can reopen the execution after its last event was read; then keep following.
      const summary = await describeExecution(options.sfn, options.executionArn);
      if (summary.status !== 'RUNNING') {
        return summary;
      }
    }
    const state = history.currentState;
    options.reporter.waiting(state === undefined ? 'starting' : `running ${state}`);
    await options.sleep(HISTORY_POLL_INTERVAL_MS);
  }
}

/**
 * Returns the events with an id above `afterEventId`, oldest first. It reads the history newest
 * first, page by page with nextToken, and stops at the first page that reaches an event already
 * read, so each poll fetches only the new events plus at most one page.
 */
async function readEventsAfter(
  sfn: SFNClient,
  executionArn: string,
  afterEventId: number,
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const request = { executionArn, reverseOrder: true, includeExecutionData: true, nextToken };
    const page = await callAws('GetExecutionHistory', () =>
      sfn.send(new GetExecutionHistoryCommand(request)),
    );
    const pageEvents = page.events ?? [];
    const newEvents = pageEvents.filter((event) => (event.id ?? 0) > afterEventId);
    events.push(...newEvents);
    nextToken = newEvents.length < pageEvents.length ? undefined : page.nextToken;
  } while (nextToken !== undefined);
  return events.sort((first, second) => (first.id ?? 0) - (second.id ?? 0));
}
