/**
 * Maps a rejected `fetch` (no HTTP response) to `RequestTimeoutError` or `NetworkError`.
 */
import { ConnectionFailedError, NetworkError, RequestTimeoutError } from './errors';
import { type CallContext, describeAction } from './operations';

/**
 * Error codes raised before any byte of the request reached the server: the connection was
 * refused, the host did not resolve or was unreachable, or TLS set-up failed.
 * NOTE: only ECONNREFUSED and the blocked port are exercised by tests, which use plain HTTP on
 * loopback. The TLS codes come from Node's error code list and were not seen in a run.
 */
/** Label of fetch's refusal to connect to a port that the Fetch standard blocks, such as 9. */
const BLOCKED_PORT = 'port blocked by fetch';

const CONNECT_PHASE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  BLOCKED_PORT,
]);

const MAX_CAUSE_DEPTH = 5;

/** Settings that the messages name. */
export interface FetchSettings {
  readonly baseUrl: string;
  readonly httpTimeoutMs: number;
  /** Environment variable that sets the timeout. @default 'HTTP_TIMEOUT_MS' */
  readonly timeoutVariable?: string;
}

/**
 * Maps the rejection of `fetch` or of reading its body. Returns `undefined` for an error that is
 * not a timeout or a connection failure, which the caller rethrows unchanged.
 */
export function errorFromFetchFailure(
  error: unknown,
  context: CallContext,
  settings: FetchSettings,
): RequestTimeoutError | NetworkError | undefined {
  // Names are compared instead of classes because undici may create its errors in another
  // realm than the caller's (as under jest), where instanceof fails.
  if (!isErrorLike(error)) return undefined;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return timeoutError(error, context, settings);
  }
  if (error.name === 'TypeError' && error.cause !== undefined) {
    return networkError(error, context, settings);
  }
  return undefined;
}

interface ErrorLike {
  name: string;
  message?: unknown;
  cause?: unknown;
  code?: unknown;
  errors?: unknown;
}

function isErrorLike(value: unknown): value is ErrorLike {
  return (
    typeof value === 'object' && value !== null && typeof (value as ErrorLike).name === 'string'
  );
}

function timeoutError(
  error: ErrorLike,
  context: CallContext,
  settings: FetchSettings,
): RequestTimeoutError {
  const next =
    context.operation === 'createMessageBatch'
      ? 'a batch may have been created, so list batches before retrying, because create has no idempotency key'
      : 'retry, and raise HTTP_TIMEOUT_MS if this repeats, keeping it well below the Lambda timeout';
  const variable = settings.timeoutVariable ?? 'HTTP_TIMEOUT_MS';
  const message = `Request timed out after ${settings.httpTimeoutMs} ms (${variable}) while ${describeAction(context)}; the request may have reached the API, so ${next}.`;
  return new RequestTimeoutError({ message, batchId: context.batchId }, { cause: error });
}

function networkError(
  error: ErrorLike,
  context: CallContext,
  settings: FetchSettings,
): NetworkError {
  const code = findErrorCode(error) ?? describeUncodedFailure(error);
  const requestSent = !CONNECT_PHASE_CODES.has(code);
  const host = new URL(settings.baseUrl).host;
  const action = describeAction(context);
  let message: string;
  if (!requestSent) {
    message = `Could not connect to ${host} (${code}) while ${action}; nothing reached the server, so a retry is safe. Check ANTHROPIC_BASE_URL and the network path to it.`;
  } else if (context.operation === 'createMessageBatch') {
    message = `Connection to ${host} failed (${code}) while ${action}, after the request may have been sent; a batch may have been created, so list batches before retrying, because create has no idempotency key.`;
  } else {
    message = `Connection to ${host} failed (${code}) while ${action}, after the request may have been sent; retry with backoff.`;
  }
  if (!requestSent) {
    return new ConnectionFailedError({ message, batchId: context.batchId }, { cause: error });
  }
  return new NetworkError({ message, batchId: context.batchId, requestSent }, { cause: error });
}

/** Finds the first `code` property along the `cause` chain and inside an AggregateError. */
function findErrorCode(error: unknown, depth = 0): string | undefined {
  if (!isErrorLike(error) || depth > MAX_CAUSE_DEPTH) return undefined;
  if (typeof error.code === 'string') return error.code;
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      const innerCode = findErrorCode(inner, depth + 1);
      if (innerCode !== undefined) return innerCode;
    }
  }
  return findErrorCode(error.cause, depth + 1);
}

/** Labels a failure without a code; undici rejects a blocked port with the cause "bad port". */
function describeUncodedFailure(error: ErrorLike): string {
  const cause = error.cause;
  return isErrorLike(cause) && cause.message === 'bad port' ? BLOCKED_PORT : 'no error code';
}
