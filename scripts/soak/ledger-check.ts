import type { LedgerEntry } from '../../emulator';
import type { PlannedExecution } from './plan';
import { SUCCEEDED } from './scenarios';

/** Outcome of one soak execution. */
export interface ExecutionResult {
  readonly planned: PlannedExecution;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly durationMs: number;
}

/** Fate of a batch: deleted, left in place but named in its execution's cause, or neither. */
export type BatchFate = 'deleted' | 'reported' | 'leaked';

/** One batch of the ledger, tied to the execution whose custom_id prefix it carries. */
export interface CheckedBatch {
  readonly id: string;
  /** Undefined when no execution of the soak has the batch's custom_id prefix. */
  readonly execution: PlannedExecution | undefined;
  readonly fate: BatchFate;
}

/** An execution that breaks a rule of the soak, with the batches concerned. */
export interface Finding {
  readonly execution: PlannedExecution | undefined;
  readonly problem: 'leaked' | 'duplicated' | 'unnamed';
  readonly batchIds: readonly string[];
}

/** An execution whose outcome or batch fate differs from what its scenario expects. */
export interface Surprise {
  readonly execution: PlannedExecution;
  readonly expected: string;
  readonly actual: string;
}

/** Result of checking the emulator ledger against the executions. */
export interface SoakCheck {
  /** Executions by outcome label: 'succeeded' or the error name. */
  readonly outcomes: ReadonlyMap<string, number>;
  readonly batches: readonly CheckedBatch[];
  /** Executions with more than one batch. */
  readonly duplicatedExecutions: number;
  /** Leaked batches, duplicated executions, and failures that created a batch without naming it. */
  readonly findings: readonly Finding[];
  /** Outcomes that differ from the scenario. The report lists them, but they do not fail the soak. */
  readonly surprises: readonly Surprise[];
  /** True when nothing leaked, nothing was duplicated and every failure named its batches. */
  readonly passed: boolean;
}

/** Returns the outcome label of an execution: 'succeeded' or its error name. */
export function outcomeOf(result: ExecutionResult): string {
  return result.status === 'SUCCEEDED' ? SUCCEEDED : (result.error ?? 'unknown error');
}

/**
 * Checks every batch the emulator ever created against the executions. A batch belongs to the
 * execution whose customIdPrefix starts its first custom_id. It is reported when it was not
 * deleted but its execution's cause names its id, and leaked when neither holds, which includes
 * every batch that belongs to no execution.
 */
export function checkLedger(
  results: readonly ExecutionResult[],
  ledger: readonly LedgerEntry[],
): SoakCheck {
  const byPrefix = new Map(results.map((result) => [result.planned.customIdPrefix, result]));
  const batchesByExecution = new Map<ExecutionResult, LedgerEntry[]>();
  const batches: CheckedBatch[] = [];
  for (const entry of ledger) {
    const owner = findOwner(entry, byPrefix);
    if (owner !== undefined) {
      batchesByExecution.set(owner, [...(batchesByExecution.get(owner) ?? []), entry]);
    }
    batches.push({ id: entry.id, execution: owner?.planned, fate: fateOf(entry, owner) });
  }
  const findings = [
    ...leakFindings(batches),
    ...duplicateFindings(batchesByExecution),
    ...unnamedFindings(batchesByExecution),
  ];
  return {
    outcomes: countOutcomes(results),
    batches,
    duplicatedExecutions: findings.filter((finding) => finding.problem === 'duplicated').length,
    findings,
    surprises: findSurprises(results, batchesByExecution),
    passed: findings.length === 0,
  };
}

/** Finds the execution of a batch from its first custom_id, `<prefix><position>`. */
function findOwner(
  entry: LedgerEntry,
  byPrefix: ReadonlyMap<string, ExecutionResult>,
): ExecutionResult | undefined {
  const customId = entry.customIds[0] ?? '';
  return byPrefix.get(customId.slice(0, customId.lastIndexOf('-') + 1));
}

function fateOf(entry: LedgerEntry, owner: ExecutionResult | undefined): BatchFate {
  if (entry.deleted) {
    return 'deleted';
  }
  return owner?.cause?.includes(entry.id) === true ? 'reported' : 'leaked';
}

function leakFindings(batches: readonly CheckedBatch[]): Finding[] {
  return batches
    .filter((batch) => batch.fate === 'leaked')
    .map((batch) => ({ execution: batch.execution, problem: 'leaked', batchIds: [batch.id] }));
}

function duplicateFindings(batchesByExecution: Map<ExecutionResult, LedgerEntry[]>): Finding[] {
  return [...batchesByExecution]
    .filter(([, entries]) => entries.length > 1)
    .map(([result, entries]) => ({
      execution: result.planned,
      problem: 'duplicated',
      batchIds: entries.map((entry) => entry.id),
    }));
}

/** Failed executions that created a batch whose id their cause does not contain. */
function unnamedFindings(batchesByExecution: Map<ExecutionResult, LedgerEntry[]>): Finding[] {
  const findings: Finding[] = [];
  for (const [result, entries] of batchesByExecution) {
    const unnamed = entries.filter((entry) => result.cause?.includes(entry.id) !== true);
    if (result.status === 'FAILED' && unnamed.length > 0) {
      const batchIds = unnamed.map((entry) => entry.id);
      findings.push({ execution: result.planned, problem: 'unnamed', batchIds });
    }
  }
  return findings;
}

function countOutcomes(results: readonly ExecutionResult[]): Map<string, number> {
  const counts = new Map<string, number>([[SUCCEEDED, 0]]);
  for (const label of results.map(outcomeOf).sort()) {
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}

function findSurprises(
  results: readonly ExecutionResult[],
  batchesByExecution: Map<ExecutionResult, LedgerEntry[]>,
): Surprise[] {
  const surprises: Surprise[] = [];
  for (const result of results) {
    const { scenario } = result.planned;
    const entries = batchesByExecution.get(result) ?? [];
    const expected = `${scenario.outcome}, batch ${scenario.batch}`;
    const actual = `${outcomeOf(result)}, batch ${batchFateOfExecution(result, entries)}`;
    if (expected !== actual) {
      surprises.push({ execution: result.planned, expected, actual });
    }
  }
  return surprises;
}

/** Returns 'none', or the fates of the execution's batches joined by ' + ', as ExpectedBatch words them. */
function batchFateOfExecution(result: ExecutionResult, entries: readonly LedgerEntry[]): string {
  if (entries.length === 0) {
    return 'none';
  }
  return entries.map((entry) => fateOf(entry, result)).join(' + ');
}
