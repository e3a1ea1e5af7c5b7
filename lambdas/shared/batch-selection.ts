/**
 * Selection of the batches a sweep tears down: list the organization's batches page by page,
 * then keep those that match the criteria, the oldest first.
 */
import type { BatchPage } from './batch-api';
import type { BatchSummary, ProcessingStatus } from './batch-summary';
import { logger } from './logger';
import type { SweepCriteria } from './sweep-criteria';

/** A batch the sweep selected, without its requests or params. */
export interface SelectedBatch {
  batchId: string;
  created_at: string;
  processing_status: ProcessingStatus;
}

/** Batches examined but not selected, by the first criterion they failed. */
export interface SkippedCounts {
  /** created_at within the last olderThanHours. */
  tooRecent: number;
  /** Old enough, but in a processing_status that the criteria leave out. */
  statusNotSelected: number;
  /** Matched, but beyond maxBatches. */
  overMaxBatches: number;
}

/** Output of the selectBatches step. */
export interface BatchSelection {
  /** Batches listed and checked against the criteria. */
  examined: number;
  selectedCount: number;
  /** Batches to tear down, the oldest first. */
  selected: SelectedBatch[];
  skipped: SkippedCounts;
  /** False when the page limit stopped the listing before the oldest batch. */
  listComplete: boolean;
  dryRun: boolean;
  anthropicVersion: string;
  criteria: {
    olderThanHours: number;
    processingStatus: ProcessingStatus[];
    maxBatches: number;
    /** Batches created at or after this instant count as too recent. */
    createdBefore: string;
  };
}

/** Size and number of list pages read per sweep. */
export interface ListLimits {
  /** `limit` of each list call, from 1 to 1000. */
  readonly pageSize: number;
  /** Maximum number of pages read. The listing stops there even if more batches exist. */
  readonly maxPages: number;
}

/**
 * 10 pages of 1000 batches. Each page is one HTTP attempt of at most HTTP_TIMEOUT_MS (10 s), and
 * a second one after a 401, so a slow listing still fits the select function's 2-minute timeout.
 *
 * NOTE: the API lists the newest batches first, so in an organization with more than 10,000
 * batches the oldest ones are never examined. The selection then has listComplete false.
 */
export const DEFAULT_LIST_LIMITS: ListLimits = { pageSize: 1000, maxPages: 10 };

/** One list call: `GET /v1/messages/batches` with `limit` and `after_id`. */
export type ListPage = (page: { limit: number; afterId?: string }) => Promise<BatchPage>;

/** Lists the batches, newest first, reading at most `limits.maxPages` pages. */
export async function listBatches(
  listPage: ListPage,
  limits: ListLimits,
): Promise<{ batches: BatchSummary[]; complete: boolean }> {
  const batches: BatchSummary[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < limits.maxPages; page += 1) {
    const result = await listPage({ limit: limits.pageSize, afterId });
    batches.push(...result.data);
    if (!result.hasMore || result.lastId === undefined) return { batches, complete: true };
    afterId = result.lastId;
  }
  logger.warn('Stopped listing batches at the page limit; older batches were not examined', {
    pages: limits.maxPages,
    examined: batches.length,
  });
  return { batches, complete: false };
}

/**
 * Selects the batches that match the criteria from a listing. Each examined batch is counted
 * once: as selected, or as skipped for the first criterion it fails (age, processing_status,
 * then maxBatches). The oldest matches are selected first.
 */
export function selectBatches(
  batches: readonly BatchSummary[],
  criteria: SweepCriteria,
  nowMs: number,
): Omit<BatchSelection, 'listComplete' | 'dryRun' | 'anthropicVersion'> {
  const createdBeforeMs = nowMs - criteria.olderThanHours * 3_600_000;
  const skipped: SkippedCounts = { tooRecent: 0, statusNotSelected: 0, overMaxBatches: 0 };
  const matches: BatchSummary[] = [];
  for (const batch of batches) {
    // An unparsable created_at gives NaN, which fails the comparison: a batch whose age is
    // unknown is never selected.
    if (!(Date.parse(batch.created_at) < createdBeforeMs)) {
      skipped.tooRecent += 1;
    } else if (!criteria.processingStatus.includes(batch.processing_status)) {
      skipped.statusNotSelected += 1;
    } else {
      matches.push(batch);
    }
  }
  matches.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
  const selected = matches.slice(0, criteria.maxBatches).map(toSelectedBatch);
  skipped.overMaxBatches = matches.length - selected.length;
  return {
    examined: batches.length,
    selectedCount: selected.length,
    selected,
    skipped,
    criteria: {
      olderThanHours: criteria.olderThanHours,
      processingStatus: criteria.processingStatus,
      maxBatches: criteria.maxBatches,
      createdBefore: new Date(createdBeforeMs).toISOString(),
    },
  };
}

/** Lists the batches with `listPage` and selects those that match the criteria. */
export async function listAndSelectBatches(
  criteria: SweepCriteria,
  listPage: ListPage,
  limits: ListLimits = DEFAULT_LIST_LIMITS,
): Promise<BatchSelection> {
  const nowMs = Date.now();
  const listing = await listBatches(listPage, limits);
  return {
    ...selectBatches(listing.batches, criteria, nowMs),
    listComplete: listing.complete,
    dryRun: criteria.dryRun,
    anthropicVersion: criteria.anthropicVersion,
  };
}

function toSelectedBatch(batch: BatchSummary): SelectedBatch {
  return {
    batchId: batch.id,
    created_at: batch.created_at,
    processing_status: batch.processing_status,
  };
}
