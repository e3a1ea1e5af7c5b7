/**
 * The sweep's final summary, built from the selection and the outcome of each teardown.
 *
 * Counting the outcomes needs filter expressions in JSONPath, which aws-local-stepfunctions
 * evaluates differently from Step Functions (a single match is not wrapped in an array), so the
 * select function does it in its summarize mode.
 */
import type { BatchSelection } from './batch-selection';
import { describeType, invalidField, isPlainObject } from './input-values';

/** Outcome of one teardown, as the Pass states after the tearDownBatch Task record it. */
export type TeardownOutcome =
  | { batchId: string; outcome: 'deleted'; executionArn: string }
  | { batchId: string; outcome: 'failed'; error: { Error?: unknown; Cause?: unknown } };

/** A teardown that failed, with the error and cause of its execution when known. */
export interface FailedTeardown {
  batchId: string;
  error: string;
  cause: string;
  /** The teardown execution, absent when it never started. */
  executionArn?: string;
}

/** Output of a sweep that was not a dry run. */
export interface SweepSummary {
  dryRun: false;
  criteria: BatchSelection['criteria'];
  examined: number;
  selectedCount: number;
  deletedCount: number;
  failedCount: number;
  /** Ids of the batches deleted. */
  deleted: string[];
  failed: FailedTeardown[];
  skipped: BatchSelection['skipped'];
  listComplete: boolean;
}

/** Maximum length of a failed teardown's cause, in characters, so 100 stay well under 256 KiB. */
export const MAX_CAUSE_CHARS = 1000;

const SUMMARY_CONTEXT = 'summarize event';

/** Counts the teardown outcomes and returns the sweep summary. */
export function summarizeSweep(
  selection: BatchSelection,
  outcomes: TeardownOutcome[],
): SweepSummary {
  const deleted: string[] = [];
  const failed: FailedTeardown[] = [];
  for (const outcome of outcomes) {
    if (outcome.outcome === 'deleted') {
      deleted.push(outcome.batchId);
    } else {
      failed.push(describeFailure(outcome.batchId, outcome.error));
    }
  }
  return {
    dryRun: false,
    criteria: selection.criteria,
    examined: selection.examined,
    selectedCount: selection.selectedCount,
    deletedCount: deleted.length,
    failedCount: failed.length,
    deleted,
    failed,
    skipped: selection.skipped,
    listComplete: selection.listComplete,
  };
}

/**
 * Reads the error of a failed tearDownBatch Task. When the teardown execution itself failed,
 * Step Functions reports States.TaskFailed with the execution's description as a JSON Cause
 * (ExecutionArn, Status, Error, Cause, ...), so the execution's own error and cause are taken
 * from it. Any other error, such as a StartExecution that was refused, is kept as it is.
 */
export function describeFailure(
  batchId: string,
  error: { Error?: unknown; Cause?: unknown },
): FailedTeardown {
  const name = typeof error.Error === 'string' ? error.Error : 'UnknownError';
  const cause = typeof error.Cause === 'string' ? error.Cause : '';
  const execution = parseExecutionDescription(cause);
  if (execution === undefined) {
    return { batchId, error: name, cause: shorten(cause) };
  }
  // A timed-out or aborted execution may have no Error or Cause of its own.
  const status = String(execution.Status);
  return {
    batchId,
    error: typeof execution.Error === 'string' ? execution.Error : name,
    cause: shorten(
      typeof execution.Cause === 'string'
        ? execution.Cause
        : `The teardown execution ended with status ${status}.`,
    ),
    executionArn: String(execution.ExecutionArn),
  };
}

/** Checks the summarize event `{selection, outcomes}` that the state machine sends. */
export function parseSummarizeEvent(event: Record<string, unknown>): {
  selection: BatchSelection;
  outcomes: TeardownOutcome[];
} {
  const { selection, outcomes } = event;
  if (!isPlainObject(selection) || !Array.isArray(selection.selected)) {
    throw invalidEvent('selection', selection, 'it must be the output of the selectBatches step');
  }
  const items: unknown[] = Array.isArray(outcomes) ? outcomes : [];
  if (!Array.isArray(outcomes) || !items.every(isTeardownOutcome)) {
    throw invalidEvent('outcomes', outcomes, 'it must be the output of the tearDownBatches Map');
  }
  return { selection: selection as unknown as BatchSelection, outcomes: items };
}

function isTeardownOutcome(value: unknown): value is TeardownOutcome {
  if (!isPlainObject(value) || typeof value.batchId !== 'string') return false;
  if (value.outcome === 'deleted') return typeof value.executionArn === 'string';
  return value.outcome === 'failed' && isPlainObject(value.error);
}

function parseExecutionDescription(cause: string): Record<string, unknown> | undefined {
  if (!cause.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(cause);
    return isPlainObject(parsed) && typeof parsed.ExecutionArn === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > MAX_CAUSE_CHARS ? `${text.slice(0, MAX_CAUSE_CHARS - 3)}...` : text;
}

function invalidEvent(field: string, value: unknown, rule: string) {
  return invalidField({
    context: SUMMARY_CONTEXT,
    field,
    valueDescription: describeType(value),
    rule,
    fix: 'send {"selection": ..., "outcomes": [...]} as the summarizeSweep Task does',
  });
}
