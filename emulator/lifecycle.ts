import type { MessageBatchRequestCounts } from '@anthropic-ai/sdk/resources/messages/batches';

import type { MessageBatchJson } from './types';

/** A batch expires, and its unfinished requests with it, 24 hours after created_at. */
export const EXPIRY_MS = 24 * 60 * 60 * 1000;

/** Results are archived, and archived_at set, 29 days after created_at. */
export const ARCHIVE_AFTER_MS = 29 * 24 * 60 * 60 * 1000;

/** One request item of a stored batch. Its params are not kept, except the model name. */
export interface StoredRequest {
  readonly customId: string;
  /** `params.model` when it is a string, for the synthetic result message. */
  readonly model: string | undefined;
}

/** Stored batch. Its processing_status is never stored: deriveState computes it from the clock. */
export interface BatchRecord {
  readonly id: string;
  /** Creation order, which breaks ties between batches with the same created_at. */
  readonly sequence: number;
  readonly createdAtMs: number;
  readonly requests: readonly StoredRequest[];
  /** Durations fixed at create, from the emulator options or a timing rule. */
  readonly timing: BatchTiming;
  cancelInitiatedAtMs: number | null;
  deletedAtMs: number | null;
}

/** Durations that drive the lifecycle, in milliseconds. */
export interface BatchTiming {
  readonly batchDurationMs: number;
  readonly cancelDelayMs: number;
}

/** Result type that every request of an ended batch gets. */
export type BatchOutcome = 'succeeded' | 'canceled' | 'expired';

export interface BatchState {
  readonly processingStatus: MessageBatchJson['processing_status'];
  readonly endedAtMs: number | null;
  /** Result of every request once ended; null before. */
  readonly outcome: BatchOutcome | null;
}

/**
 * Derives the batch's state at `nowMs`. A batch ends batchDurationMs after created_at with every
 * request succeeded, or cancelDelayMs after cancel_initiated_at with every request canceled.
 * When that end would fall after expires_at, it ends at expires_at with every request expired.
 */
export function deriveState(batch: BatchRecord, nowMs: number, timing: BatchTiming): BatchState {
  const planned = plannedEnd(batch, timing);
  const expiresAtMs = batch.createdAtMs + EXPIRY_MS;
  const end =
    planned.atMs <= expiresAtMs ? planned : { atMs: expiresAtMs, outcome: 'expired' as const };
  if (nowMs < end.atMs) {
    const processingStatus = batch.cancelInitiatedAtMs === null ? 'in_progress' : 'canceling';
    return { processingStatus, endedAtMs: null, outcome: null };
  }
  return { processingStatus: 'ended', endedAtMs: end.atMs, outcome: end.outcome };
}

function plannedEnd(
  batch: BatchRecord,
  timing: BatchTiming,
): { atMs: number; outcome: BatchOutcome } {
  if (batch.cancelInitiatedAtMs !== null) {
    return { atMs: batch.cancelInitiatedAtMs + timing.cancelDelayMs, outcome: 'canceled' };
  }
  return { atMs: batch.createdAtMs + timing.batchDurationMs, outcome: 'succeeded' };
}

/** Builds the MessageBatch object for `batch` in `state` as the API sends it. */
export function toMessageBatch(
  batch: BatchRecord,
  state: BatchState,
  nowMs: number,
  resultsUrl: string,
): MessageBatchJson {
  const archivedAtMs = batch.createdAtMs + ARCHIVE_AFTER_MS;
  return {
    id: batch.id,
    type: 'message_batch',
    processing_status: state.processingStatus,
    request_counts: countRequests(batch.requests.length, state.outcome),
    ended_at: toTimestamp(state.endedAtMs),
    created_at: new Date(batch.createdAtMs).toISOString(),
    expires_at: new Date(batch.createdAtMs + EXPIRY_MS).toISOString(),
    archived_at: nowMs >= archivedAtMs ? new Date(archivedAtMs).toISOString() : null,
    cancel_initiated_at: toTimestamp(batch.cancelInitiatedAtMs),
    results_url: state.processingStatus === 'ended' ? resultsUrl : null,
  };
}

/** Counts every request as processing until the batch has ended, as the API does. */
function countRequests(total: number, outcome: BatchOutcome | null): MessageBatchRequestCounts {
  const counts = { processing: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
  counts[outcome ?? 'processing'] = total;
  return counts;
}

/** Formats epoch milliseconds as an RFC 3339 timestamp in UTC (with a Z suffix). */
export function toTimestamp(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
