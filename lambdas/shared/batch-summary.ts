/**
 * The part of a MessageBatch that the state machine carries between states.
 *
 * It never contains requests or params, so prompts stay out of the execution history.
 */
import type {
  MessageBatch,
  MessageBatchRequestCounts,
} from '@anthropic-ai/sdk/resources/messages/batches';
import { isPlainObject } from './input-values';

/** Batch fields that the state machine reads; the rest of MessageBatch is dropped. */
export type BatchSummary = Pick<
  MessageBatch,
  | 'id'
  | 'processing_status'
  | 'request_counts'
  | 'created_at'
  | 'ended_at'
  | 'cancel_initiated_at'
  | 'expires_at'
>;

/** Values of `processing_status`. */
export type ProcessingStatus = MessageBatch['processing_status'];

const PROCESSING_STATUSES: readonly string[] = [
  'in_progress',
  'canceling',
  'ended',
] satisfies ProcessingStatus[];

const REQUEST_COUNT_FIELDS = [
  'processing',
  'succeeded',
  'errored',
  'canceled',
  'expired',
] as const satisfies ReadonlyArray<keyof MessageBatchRequestCounts>;

/** A batch id as a response may give it: plain characters, bounded, so it needs no escaping. */
const RESPONSE_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

/** Maximum length of a timestamp. An RFC 3339 time has about 30 characters. */
const MAX_TIME_CHARS = 64;

/**
 * Copies the summary fields out of a MessageBatch response body.
 *
 * Returns a description of the first field that does not match the MessageBatch type, so that
 * the caller can raise an error with the HTTP context.
 */
export function toBatchSummary(body: unknown): BatchSummary | { problem: string } {
  if (!isPlainObject(body)) return { problem: 'the body is not a JSON object' };
  const { id, processing_status, created_at, expires_at, ended_at, cancel_initiated_at } = body;
  // Ids and times go into state output, messages and causes, so they must be short and plain.
  if (typeof id !== 'string' || !RESPONSE_ID_PATTERN.test(id)) {
    return { problem: 'id is not 1 to 200 letters, digits, _ or -' };
  }
  if (typeof processing_status !== 'string' || !PROCESSING_STATUSES.includes(processing_status)) {
    return { problem: 'processing_status is not in_progress, canceling or ended' };
  }
  if (typeof created_at !== 'string' || typeof expires_at !== 'string') {
    return { problem: 'created_at or expires_at is not a string' };
  }
  if (!isStringOrNull(ended_at) || !isStringOrNull(cancel_initiated_at)) {
    return { problem: 'ended_at or cancel_initiated_at is neither a string nor null' };
  }
  const times = [created_at, expires_at, ended_at, cancel_initiated_at];
  if (times.some((time) => time !== null && time.length > MAX_TIME_CHARS)) {
    return { problem: `a timestamp is longer than ${MAX_TIME_CHARS} characters` };
  }
  const requestCounts = toRequestCounts(body.request_counts);
  if (requestCounts === undefined) {
    return { problem: `request_counts lacks one of ${REQUEST_COUNT_FIELDS.join(', ')}` };
  }
  return {
    id,
    processing_status: processing_status as ProcessingStatus,
    request_counts: requestCounts,
    created_at,
    ended_at,
    cancel_initiated_at,
    expires_at,
  };
}

function isStringOrNull(value: unknown): value is string | null {
  return typeof value === 'string' || value === null;
}

function toRequestCounts(value: unknown): MessageBatchRequestCounts | undefined {
  if (!isPlainObject(value)) return undefined;
  const counts: Partial<MessageBatchRequestCounts> = {};
  for (const field of REQUEST_COUNT_FIELDS) {
    const count = value[field];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return undefined;
    counts[field] = count;
  }
  return counts as MessageBatchRequestCounts;
}
