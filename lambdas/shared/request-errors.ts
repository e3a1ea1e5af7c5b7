/**
 * Maps a request that got no HTTP response to `RequestTimeoutError`, `ConnectionFailedError` or
 * `NetworkError`.
 */
import { ConnectionFailedError, NetworkError, RequestTimeoutError } from './errors';
import { HttpConnectionError, HttpTimeoutError } from './http-request';
import { type CallContext, describeAction } from './operations';

/** Settings that the messages name. */
export interface RequestSettings {
  readonly baseUrl: string;
  readonly httpTimeoutMs: number;
  /** Environment variable that sets the timeout. @default 'HTTP_TIMEOUT_MS' */
  readonly timeoutVariable?: string;
}

/**
 * Maps the rejection of `sendHttpRequest`. Returns `undefined` for any other error, which the
 * caller rethrows unchanged.
 */
export function errorFromRequestFailure(
  error: unknown,
  context: CallContext,
  settings: RequestSettings,
): RequestTimeoutError | NetworkError | undefined {
  if (error instanceof HttpTimeoutError) {
    if (error.requestMayHaveBeenSent) return timeoutError(error, context, settings);
    // Timed out while connecting: nothing was sent, so it is a connection failure.
    const connectTimeout = new HttpConnectionError('connect timeout', false, { cause: error });
    return networkError(connectTimeout, context, settings);
  }
  if (error instanceof HttpConnectionError) return networkError(error, context, settings);
  return undefined;
}

function timeoutError(
  error: HttpTimeoutError,
  context: CallContext,
  settings: RequestSettings,
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
  error: HttpConnectionError,
  context: CallContext,
  settings: RequestSettings,
): NetworkError {
  const { code } = error;
  const requestSent = error.requestMayHaveBeenSent;
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
