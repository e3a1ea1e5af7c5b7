import { HttpError } from './errors';
import type { MessageBatchJson } from './types';

export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 1000;

/** Query of listMessageBatches. */
export interface ListQuery {
  readonly limit: number;
  readonly afterId: string | undefined;
  readonly beforeId: string | undefined;
}

/** Page of listMessageBatches. */
export interface MessageBatchListPage {
  data: MessageBatchJson[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** Reads limit, after_id and before_id; throws a 400 HttpError on an invalid value. */
export function parseListQuery(params: URLSearchParams): ListQuery {
  const afterId = params.get('after_id') ?? undefined;
  const beforeId = params.get('before_id') ?? undefined;
  if (afterId !== undefined && beforeId !== undefined) {
    throw new HttpError(400, 'after_id and before_id cannot be used together; send one of them');
  }
  return { limit: parseLimit(params.get('limit')), afterId, beforeId };
}

function parseLimit(raw: string | null): number {
  if (raw === null) {
    return DEFAULT_LIST_LIMIT;
  }
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new HttpError(
      400,
      `limit: must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${JSON.stringify(raw)}`,
    );
  }
  return limit;
}

/**
 * Selects one page from `orderedIds`, which lists every batch ever created, newest first.
 * Cursors may name a deleted batch, so a caller can page on while deleting what it has seen,
 * but only ids for which `isVisible` is true are returned. after_id pages towards older
 * batches, and before_id returns the `limit` batches just newer than the cursor.
 */
export function selectPage(
  orderedIds: readonly string[],
  isVisible: (id: string) => boolean,
  query: ListQuery,
): { ids: string[]; hasMore: boolean } {
  if (query.beforeId !== undefined) {
    const cursor = findCursor(orderedIds, query.beforeId, 'before_id');
    const candidates = orderedIds.slice(0, cursor).filter(isVisible);
    return { ids: candidates.slice(-query.limit), hasMore: candidates.length > query.limit };
  }
  const start =
    query.afterId === undefined ? 0 : findCursor(orderedIds, query.afterId, 'after_id') + 1;
  const candidates = orderedIds.slice(start).filter(isVisible);
  return { ids: candidates.slice(0, query.limit), hasMore: candidates.length > query.limit };
}

function findCursor(orderedIds: readonly string[], id: string, name: string): number {
  const index = orderedIds.indexOf(id);
  if (index === -1) {
    throw new HttpError(
      400,
      `${name}: no message batch with id ${JSON.stringify(id)} was ever created`,
    );
  }
  return index;
}
