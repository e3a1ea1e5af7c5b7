/**
 * Handling of a create request that failed after it may have reached the API.
 *
 * Create has no idempotency key, so a blind retry could make a second billable batch. Instead
 * the handler lists the batches created since the submit began and reports every one with the
 * same request count. Nothing in a listed batch proves which client created it (its custom_ids
 * are visible only in the results, after it has ended), so no candidate is adopted or deleted.
 */
import { type ApiCallOptions, listMessageBatches } from './batch-api';
import {
  ApiError,
  type CandidateBatch,
  ConnectionFailedError,
  NetworkError,
  RequestTimeoutError,
  ServerError,
  ApiTimeoutError,
  SubmitOutcomeUnknownError,
  UnexpectedResponseError,
} from './errors';
import { logger } from './logger';

/** Clock difference allowed between this function and the API when matching created_at. */
const CLOCK_SKEW_MS = 60_000;
/**
 * One list call of the largest page the API allows. The create may already have used
 * HTTP_TIMEOUT_MS (10 s) of the 30 s Lambda timeout, so there is room for one more call only.
 */
const MAX_LIST_PAGES = 1;
const LIST_PAGE_SIZE = 1000;

/**
 * True when a failed create may still have created a batch: a 5xx, a 504, a timeout, a
 * connection lost after sending, or a 2xx response whose body could not be read.
 */
export function isAmbiguousCreateFailure(error: unknown): error is ApiError {
  if (error instanceof ConnectionFailedError) return false;
  if (error instanceof UnexpectedResponseError) {
    return error.status !== undefined && error.status >= 200 && error.status < 300;
  }
  return (
    error instanceof ServerError ||
    error instanceof ApiTimeoutError ||
    error instanceof RequestTimeoutError ||
    error instanceof NetworkError
  );
}

/** Builds the SubmitOutcomeUnknown error, listing candidates when the list call works. */
export async function describeUnknownOutcome(
  error: ApiError,
  options: ApiCallOptions,
  submitStartedMs: number,
  requestCount: number,
): Promise<SubmitOutcomeUnknownError> {
  let candidates: CandidateBatch[] = [];
  let listNote: string;
  try {
    candidates = await findCandidates(options, submitStartedMs - CLOCK_SKEW_MS, requestCount);
    listNote = describeCandidates(candidates, requestCount);
  } catch (listError) {
    logger.warn('Listing batches after an ambiguous create failed', { error: listError });
    listNote = `Listing batches to find it failed too (${(listError as Error).name}).`;
  }
  const since = new Date(submitStartedMs).toISOString();
  const message =
    `The create request failed with ${describeFailure(error)} after it may have reached the ` +
    `API, so a batch may exist that this execution cannot identify. ${listNote} ` +
    `Check the batches created after ${since}; cancel and delete any that are yours ` +
    '(start this workflow with {"batchId": ...} or call the API). The workflow did not retry the ' +
    'create, because create has no idempotency key and a retry could make a second batch.';
  return new SubmitOutcomeUnknownError(message, error, candidates);
}

/**
 * Candidates named in a cause. Step Functions keeps at most 32,768 characters of a cause, so a
 * busy organization's list is cut after this many and the rest are counted.
 */
const MAX_NAMED_CANDIDATES = 20;

function describeCandidates(candidates: CandidateBatch[], requestCount: number): string {
  if (candidates.length === 0) {
    return 'No batch with that request count was created since the submit began.';
  }
  const named = candidates
    .slice(0, MAX_NAMED_CANDIDATES)
    .map((c) => `${c.id} (created ${c.created_at}, ${c.processing_status})`);
  const more = candidates.length - named.length;
  const rest = more > 0 ? `, and ${more} more` : '';
  return `Batches created since the submit began with ${requestCount} requests: ${named.join(', ')}${rest}.`;
}

function describeFailure(error: ApiError): string {
  const parts = [error.status === undefined ? undefined : `HTTP ${error.status}`, error.requestId];
  const context = parts.filter((part) => part !== undefined).join(', ');
  return context === '' ? error.name : `${error.name} (${context})`;
}

async function findCandidates(
  options: ApiCallOptions,
  sinceMs: number,
  requestCount: number,
): Promise<CandidateBatch[]> {
  const found: CandidateBatch[] = [];
  let afterId: string | undefined;
  for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
    const result = await listMessageBatches(options, { limit: LIST_PAGE_SIZE, afterId });
    for (const batch of result.data) {
      const createdMs = Date.parse(batch.created_at);
      if (createdMs < sinceMs) return found;
      // A batch without a readable creation time cannot be placed after the submit.
      if (Number.isNaN(createdMs)) continue;
      const counts = batch.request_counts;
      const total =
        counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
      if (total === requestCount) {
        // toBatchSummary bounds the id to 200 plain characters, and the time is written anew.
        // So 20 candidates keep the cause far below its size limit, whatever the page held.
        found.push({
          id: batch.id,
          created_at: new Date(createdMs).toISOString(),
          processing_status: batch.processing_status,
        });
      }
    }
    if (!result.hasMore || result.lastId === undefined) return found;
    afterId = result.lastId;
  }
  return found;
}
