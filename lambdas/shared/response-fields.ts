/**
 * Reading of a Message Batches API response: the JSON error body, the `retry-after`,
 * `retry-after-ms` and `x-should-retry` headers, and the redaction of the API key from every
 * string that the response contains.
 */
import type { HttpResponse, ResponseHeaders } from './http-request';
import { isPlainObject } from './input-values';

/**
 * Maximum length of an identifier or type read from a response, such as a request id, an
 * `error.type` or a batch id, where it goes into a message, an error field or a log line.
 */
export const MAX_FIELD_CHARS = 200;

const REDACTED_KEY = '[redacted API key]';

/**
 * An HTTP response in which every string has the API key replaced, so that a verbatim echo of
 * the `x-api-key` value cannot reach an error, a log line or the execution output.
 */
export interface ApiResponse {
  readonly status: number;
  /** Header values, redacted and cut to MAX_FIELD_CHARS. */
  readonly headers: ResponseHeaders;
  /** Body text, redacted, to quote a body that is not JSON. */
  readonly bodyText: string;
  /** The parsed body with every string value redacted, or undefined when it is not JSON. */
  readonly body: unknown;
}

/** Fields of an error body `{"type": "error", "error": {"type", "message"}, "request_id"}`. */
export interface ParsedErrorBody {
  /** `error.type`, cut to MAX_FIELD_CHARS. */
  readonly errorType?: string;
  /** `error.message`, uncut, because the message quotes a shorter excerpt of it. */
  readonly apiMessage?: string;
  /** `request_id`, cut to MAX_FIELD_CHARS. */
  readonly requestId?: string;
}

/**
 * Wraps a response so that every string read from it has `apiKey` replaced. That covers header
 * values, the body text and each string value of the parsed JSON body, whatever escapes the JSON
 * used. Object keys are left as sent, because only values of known keys are read.
 *
 * A body nested so deeply that the reviver overflows the stack (between 2,000 and 5,000 levels
 * on Node.js 20 with its default stack size) counts as not JSON.
 */
export function readResponse(response: HttpResponse, apiKey: string): ApiResponse {
  const redact = (text: string): string => (apiKey ? text.replaceAll(apiKey, REDACTED_KEY) : text);
  let body: unknown;
  try {
    body = JSON.parse(response.bodyText, (_key, value: unknown) =>
      typeof value === 'string' ? redact(value) : value,
    );
  } catch {
    // JSON.parse never returns undefined, so `body` stays undefined only for a non-JSON body.
  }
  return {
    status: response.status,
    headers: {
      get: (name) => {
        const value = response.headers.get(name);
        return value && shorten(redact(value));
      },
    },
    bodyText: redact(response.bodyText),
    body,
  };
}

/** Cuts text longer than `maxChars` to `maxChars` characters that end in "...". */
export function shorten(text: string, maxChars = MAX_FIELD_CHARS): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}

/** Reads the error fields of a response body. A body that is not a JSON object has none. */
export function parseErrorBody(response: ApiResponse): ParsedErrorBody {
  const parsed = response.body;
  if (!isPlainObject(parsed)) return {};
  const error = isPlainObject(parsed.error) ? parsed.error : {};
  return {
    errorType: readField(error.type),
    apiMessage: typeof error.message === 'string' ? error.message : undefined,
    requestId: readField(parsed.request_id),
  };
}

function readField(value: unknown): string | undefined {
  return typeof value === 'string' ? shorten(value) : undefined;
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
