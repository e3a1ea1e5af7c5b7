import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { processingStatus, type StateProgress } from './state-line';

/** Events that end an execution; ExecutionRedriven reopens it. */
const TERMINAL_EVENT_TYPES = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionAborted',
]);

/** Events that start one attempt of a Task state. */
const ATTEMPT_EVENT_TYPES = new Set([
  'LambdaFunctionScheduled',
  'TaskScheduled',
  'ActivityScheduled',
]);

/** Events that end one attempt of a Task state with an error. */
const ATTEMPT_FAILED_EVENT_TYPES = new Set([
  'LambdaFunctionFailed',
  'LambdaFunctionTimedOut',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'ActivityFailed',
  'ActivityTimedOut',
  'ActivityScheduleFailed',
]);

/** The `xxxEventDetails` fields that this module reads. */
interface EventDetails {
  name?: string;
  output?: string;
  error?: string;
}

/**
 * Converter of the history events of one execution, read in order, into the progress lines of the
 * local runner. A line shows a state exit with the processing_status of its output, a failed Task
 * attempt, a Task retry, or a Fail state that ends the execution.
 */
export class HistoryProgress {
  private startedAtMs: number | undefined;
  private stateName: string | undefined;
  private inFailState = false;
  private attempts = 0;
  private terminal = false;

  /** Name of the state entered last; undefined before the first state. */
  get currentState(): string | undefined {
    return this.stateName;
  }

  /** Whether the execution has ended, as of the events read so far. */
  get ended(): boolean {
    return this.terminal;
  }

  /** Reads the next event; returns the progress it shows, if any. */
  read(event: HistoryEvent): StateProgress | undefined {
    const type = event.type ?? '';
    const timestampMs = event.timestamp?.getTime() ?? Date.now();
    this.startedAtMs ??= timestampMs;
    const elapsedMs = timestampMs - this.startedAtMs;
    const details = eventDetails(event);
    if (TERMINAL_EVENT_TYPES.has(type)) {
      this.terminal = true;
    } else if (type === 'ExecutionRedriven') {
      this.terminal = false;
    }
    if (type.endsWith('StateEntered')) {
      this.enterState(details.name ?? '', type === 'FailStateEntered');
      return undefined;
    }
    return this.progressOf(type, details, elapsedMs);
  }

  private enterState(stateName: string, isFailState: boolean): void {
    this.stateName = stateName;
    this.inFailState = isFailState;
    this.attempts = 0;
  }

  private progressOf(
    type: string,
    details: EventDetails,
    elapsedMs: number,
  ): StateProgress | undefined {
    const stateName = this.stateName ?? '';
    if (type.endsWith('StateExited')) {
      const status = processingStatus(parseJson(details.output));
      return {
        kind: 'exited',
        elapsedMs,
        stateName: details.name ?? stateName,
        processingStatus: status,
      };
    }
    if (ATTEMPT_EVENT_TYPES.has(type)) {
      this.attempts += 1;
      return this.attempts > 1
        ? { kind: 'retried', elapsedMs, stateName, attempt: this.attempts - 1 }
        : undefined;
    }
    const failedInState = ATTEMPT_FAILED_EVENT_TYPES.has(type);
    const failedByFailState = type === 'ExecutionFailed' && this.inFailState;
    if (failedInState || failedByFailState) {
      return { kind: 'failed', elapsedMs, stateName, error: details.error ?? type };
    }
    return undefined;
  }
}

/** Returns the one `xxxEventDetails` field of an event, such as `stateExitedEventDetails`. */
function eventDetails(event: HistoryEvent): EventDetails {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      return value as EventDetails;
    }
  }
  return {};
}

/**
 * Parses state output. It is missing when the history was read without execution data, and it
 * is not valid JSON when Step Functions truncated it; both give undefined.
 */
function parseJson(text: string | undefined): unknown {
  if (text === undefined) {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
