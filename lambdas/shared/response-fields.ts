/**
 * Parsers of the error fields in a Message Batches API response: the JSON error body and the
 * `retry-after`, `retry-after-ms` and `x-should-retry` headers.
 */
import type { ResponseHeaders } from './http-request';
import { isPlainObject } from './input-values';

/** Fields of an error body `{"type": "error", "error": {"type", "message"}, "request_id"}`. */
export interface ParsedErrorBody {
  readonly isJson: boolean;
  readonly errorType?: string;
  readonly apiMessage?: string;
  readonly requestId?: string;
}

/** Parses an error body. A body that is not JSON, such as a proxy's HTML page, gives `isJson: false`. */
export function parseErrorBody(bodyText: string): ParsedErrorBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return { isJson: false };
  }
  if (!isPlainObject(parsed)) return { isJson: true };
  const error = isPlainObject(parsed.error) ? parsed.error : {};
  return {
    isJson: true,
    errorType: typeof error.type === 'string' ? error.type : undefined,
    apiMessage: typeof error.message === 'string' ? error.message : undefined,
    requestId: typeof parsed.request_id === 'string' ? parsed.request_id : undefined,
  };
}

/**
 * Reads the wait before a retry in whole seconds, rounded up: `retry-after-ms` first, then
 * `retry-after` as seconds or as an HTTP date.
 */
export function parseRetryAfterSeconds(
  headers: ResponseHeaders,
  nowMs = Date.now(),
): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds.trim())) {
    return Math.ceil(Number(milliseconds) / 1000);
  }
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const dateMs = Date.parse(value);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

/** Reads `x-should-retry: true|false`. */
export function parseShouldRetry(headers: ResponseHeaders): boolean | undefined {
  const value = headers.get('x-should-retry')?.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}
