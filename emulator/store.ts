import type {
  DeletedMessageBatch,
  MessageBatchIndividualResponse,
} from '@anthropic-ai/sdk/resources/messages/batches';

import type { Clock } from './clock';
import { HttpError } from './errors';
import { randomId } from './ids';
import {
  ARCHIVE_AFTER_MS,
  deriveState,
  toMessageBatch,
  toTimestamp,
  type BatchRecord,
  type BatchState,
  type BatchTiming,
  type StoredRequest,
} from './lifecycle';
import { selectPage, type ListQuery, type MessageBatchListPage } from './pagination';
import { buildResults } from './results';
import type { EdgeCaseBehaviour, LedgerEntry, MessageBatchJson } from './types';

/** Clock, timing, edge cases and results_url builder that the store reads from the emulator. */
export interface StoreSettings {
  readonly clock: Clock;
  /** Returns the durations of a new batch from its first custom_id. */
  readonly timingFor: (firstCustomId: string | undefined) => BatchTiming;
  /** Returns the edge-case behaviour in force now; tests may change it while running. */
  readonly edgeCases: () => EdgeCaseBehaviour;
  /** Returns the absolute results_url of a batch. */
  readonly resultsUrl: (batchId: string) => string;
}

/** Batches in memory. Each operation reads the clock and enforces the lifecycle's rules. */
export class BatchStore {
  /** Every batch ever created, deleted ones included, in creation order. */
  private readonly batches = new Map<string, BatchRecord>();

  constructor(private readonly settings: StoreSettings) {}

  create(requests: readonly StoredRequest[], createdAtMs: number): MessageBatchJson {
    const batch: BatchRecord = {
      id: randomId('msgbatch_'),
      sequence: this.batches.size,
      createdAtMs,
      requests,
      timing: this.settings.timingFor(requests[0]?.customId),
      cancelInitiatedAtMs: null,
      deletedAtMs: null,
    };
    this.batches.set(batch.id, batch);
    return this.toJson(batch);
  }

  /** Returns the batch, or 404 in the edgeCases.notFoundAfterCreateMs window after created_at. */
  retrieve(id: string): MessageBatchJson {
    const batch = this.findLive(id);
    const windowMs = this.settings.edgeCases().notFoundAfterCreateMs;
    if (this.now() - batch.createdAtMs < windowMs) {
      throw notFound(id);
    }
    return this.toJson(batch);
  }

  list(query: ListQuery): MessageBatchListPage {
    const ordered = [...this.batches.values()].sort(
      (a, b) => b.createdAtMs - a.createdAtMs || b.sequence - a.sequence,
    );
    const isVisible = (id: string) => this.batches.get(id)?.deletedAtMs === null;
    const page = selectPage(
      ordered.map((batch) => batch.id),
      isVisible,
      query,
    );
    const data = page.ids.map((id) => this.toJson(this.findLive(id)));
    return {
      data,
      has_more: page.hasMore,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
    };
  }

  /** Starts cancellation of an in_progress batch; canceling and ended batches follow edgeCases. */
  cancel(id: string): MessageBatchJson {
    const batch = this.findLive(id);
    const status = this.stateOf(batch).processingStatus;
    const edgeCases = this.settings.edgeCases();
    if (status === 'ended') {
      throw new HttpError(
        edgeCases.cancelOnEnded,
        `Message batch ${id} cannot be canceled because its processing_status is ended`,
      );
    }
    if (status === 'canceling' && edgeCases.cancelOnCanceling !== 200) {
      throw new HttpError(
        edgeCases.cancelOnCanceling,
        `Message batch ${id} is already canceling; poll it until processing_status is ended`,
      );
    }
    batch.cancelInitiatedAtMs ??= this.now();
    return this.toJson(batch);
  }

  /** Deletes an ended batch; other batches follow edgeCases.deleteNotEnded. */
  delete(id: string): DeletedMessageBatch {
    const batch = this.findLive(id);
    const status = this.stateOf(batch).processingStatus;
    if (status !== 'ended') {
      throw new HttpError(
        this.settings.edgeCases().deleteNotEnded,
        `Message batch ${id} cannot be deleted while its processing_status is ${status}; ` +
          'cancel it if needed and wait until processing_status is ended',
      );
    }
    batch.deletedAtMs = this.now();
    return { id, type: 'message_batch_deleted' };
  }

  /** Returns one result per request of an ended batch whose results are not yet archived. */
  results(id: string): MessageBatchIndividualResponse[] {
    const batch = this.findLive(id);
    const state = this.stateOf(batch);
    if (state.outcome === null) {
      throw new HttpError(
        400,
        `Results of message batch ${id} are not available while its processing_status is ${state.processingStatus}; ` +
          'wait until it is ended',
      );
    }
    if (this.now() >= batch.createdAtMs + ARCHIVE_AFTER_MS) {
      // NOTE: the status for archived results is a guess; the API documents only archived_at.
      throw new HttpError(
        404,
        `Results of message batch ${id} were archived 29 days after created_at`,
      );
    }
    return buildResults(batch.requests, state.outcome);
  }

  ledger(): LedgerEntry[] {
    return [...this.batches.values()].map((batch) => ({
      id: batch.id,
      createdAt: new Date(batch.createdAtMs).toISOString(),
      requestCount: batch.requests.length,
      customIds: batch.requests.map((request) => request.customId),
      processingStatus: this.stateOf(batch).processingStatus,
      canceled: batch.cancelInitiatedAtMs !== null,
      deleted: batch.deletedAtMs !== null,
      deletedAt: toTimestamp(batch.deletedAtMs),
    }));
  }

  /** Returns the first custom_id of a batch ever created, deleted ones included. */
  firstCustomId(id: string): string | undefined {
    return this.batches.get(id)?.requests[0]?.customId;
  }

  /** Returns the batch, or throws 404 when it was never created or was deleted. */
  private findLive(id: string): BatchRecord {
    const batch = this.batches.get(id);
    if (batch === undefined || batch.deletedAtMs !== null) {
      throw notFound(id);
    }
    return batch;
  }

  private stateOf(batch: BatchRecord): BatchState {
    return deriveState(batch, this.now(), batch.timing);
  }

  private toJson(batch: BatchRecord): MessageBatchJson {
    const resultsUrl = this.settings.resultsUrl(batch.id);
    return toMessageBatch(batch, this.stateOf(batch), this.now(), resultsUrl);
  }

  private now(): number {
    return this.settings.clock.now();
  }
}

function notFound(id: string): HttpError {
  return new HttpError(404, `Message batch ${id} was not found`);
}
