/**
 * Estimate of the AWS execution history of a run from the local runner's history. The local
 * runner (aws-local-stepfunctions) writes its own event types, so AWS's events are counted by
 * the type of each state entered, with the event types that Step Functions documents for them.
 */
import type { StateMachineDefinition } from '../../local/definition';
import type { HistoryEvent } from '../../local/run';

/** Maximum number of events in the history of one Standard execution. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * AWS history events per state entered, by state type. A Lambda Task writes TaskStateEntered,
 * LambdaFunctionScheduled, LambdaFunctionStarted, LambdaFunctionSucceeded (or Failed) and
 * TaskStateExited; Choice, Wait, Pass and Succeed write Entered and Exited; Fail writes only
 * FailStateEntered.
 */
export const AWS_EVENTS_PER_STATE: Readonly<Record<string, number>> = {
  Task: 5,
  Choice: 2,
  Wait: 2,
  Pass: 2,
  Succeed: 2,
  Fail: 1,
};

/** ExecutionStarted plus ExecutionSucceeded or ExecutionFailed. */
export const AWS_EVENTS_PER_EXECUTION = 2;

/** A retried Lambda attempt adds LambdaFunctionFailed, LambdaFunctionScheduled and Started. */
export const AWS_EVENTS_PER_TASK_RETRY = 3;

/** Counts of one run's history. */
export interface HistoryCounts {
  /** States entered: what Step Functions bills as state transitions. */
  readonly transitions: number;
  /** Events of the local runner's history. */
  readonly localEvents: number;
  /** Estimated AWS history events of the same run. */
  readonly awsEvents: number;
  /** Estimated AWS history events if every Task entered had used all of its Retry attempts. */
  readonly awsEventsWorstCase: number;
  /** States entered, by state type. */
  readonly enteredByType: Record<string, number>;
}

/** Counts transitions and estimates AWS history events for a local history. */
export function countHistory(
  history: readonly HistoryEvent[],
  definition: StateMachineDefinition,
): HistoryCounts {
  const enteredByType: Record<string, number> = {};
  let awsEvents = AWS_EVENTS_PER_EXECUTION;
  let retryEvents = 0;
  let worstCaseRetryEvents = 0;
  for (const event of history) {
    const state = event.state as { name?: string; type?: string } | undefined;
    if (event.type === 'StateRetried') retryEvents += AWS_EVENTS_PER_TASK_RETRY;
    if (event.type !== 'StateEntered' || state?.type === undefined) continue;
    enteredByType[state.type] = (enteredByType[state.type] ?? 0) + 1;
    awsEvents += AWS_EVENTS_PER_STATE[state.type] ?? 2;
    if (state.type === 'Task' && state.name !== undefined) {
      worstCaseRetryEvents += maxRetryAttempts(definition, state.name) * AWS_EVENTS_PER_TASK_RETRY;
    }
  }
  const transitions = Object.values(enteredByType).reduce((sum, count) => sum + count, 0);
  return {
    transitions,
    localEvents: history.length,
    awsEvents: awsEvents + retryEvents,
    awsEventsWorstCase: awsEvents + worstCaseRetryEvents,
    enteredByType,
  };
}

/** Sum of MaxAttempts over a state's Retry rules (3 when a rule leaves it out, as in ASL). */
export function maxRetryAttempts(definition: StateMachineDefinition, stateName: string): number {
  const retry = definition.States[stateName]?.Retry;
  if (!Array.isArray(retry)) return 0;
  return retry.reduce<number>(
    (sum, rule: { MaxAttempts?: number }) => sum + (rule.MaxAttempts ?? 3),
    0,
  );
}
