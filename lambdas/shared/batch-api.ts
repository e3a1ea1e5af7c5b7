/**
 * Client of the Message Batches API: one HTTP attempt per call, no retries, bounded by
 * HTTP_TIMEOUT_MS. Retries and waits belong to the state machine. Redirects are not followed,
 * because the API key would go to the redirect target; a 3xx is an UnexpectedResponse.
 *
 * The key, the request body and params never go into an error or a log line.
 */
import { type BatchSummary, toBatchSummary } from './batch-summary';
import { readApiConfig } from './config';
import { type HttpResponse, sendHttpRequest } from './http-request';
import { logger } from './logger';
import { type CallContext } from './operations';
import { errorFromRequestFailure } from './request-errors';
import { errorFromResponse, unexpectedBodyError } from './response-errors';
import { type ApiResponse, readResponse, shorten } from './response-fields';
import { isPlainObject } from './input-values';
import type { BatchRequest } from './validate-input';

/** Credentials and version header of one call. */
export interface ApiCallOptions {
  /** Anthropic API key, sent as `x-api-key`. */
  readonly apiKey: string;
  /** Value of the `anthropic-version` header, such as `2023-06-01`. */
  readonly anthropicVersion: string;
}

/** Body of a successful delete: `{"id", "type": "message_batch_deleted"}`. */
export interface DeletedBatch {
  readonly id: string;
}

interface ApiCall extends CallContext {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path after `/v1/messages/batches`, such as `/msgbatch_01/cancel`. */
  readonly pathSuffix: string;
  /** Request body: a string, or chunks that are streamed as they are produced. */
  readonly body?: string | AsyncIterable<Uint8Array>;
  /** Set for a streamed create, whose timeout is UPLOAD_TIMEOUT_MS instead of HTTP_TIMEOUT_MS. */
  readonly upload?: true;
}

interface TimedResponse {
  readonly response: ApiResponse;
  readonly durationMs: number;
}

const BATCHES_PATH = '/v1/messages/batches';

/** Sends `POST /v1/messages/batches` with `{requests}` and returns the new batch. */
export async function createMessageBatch(
  requests: BatchRequest[],
  options: ApiCallOptions,
): Promise<BatchSummary> {
  const call: ApiCall = {
    operation: 'createMessageBatch',
    method: 'POST',
    pathSuffix: '',
    body: JSON.stringify({ requests }),
  };
  return callForBatch(call, options);
}

/**
 * Sends `POST /v1/messages/batches` with a body streamed from `body`, within UPLOAD_TIMEOUT_MS,
 * and returns the new batch.
 *
 * When `body` throws, the upload is aborted before the body is complete, so the API cannot
 * create a batch from it, and the error from `body` is rethrown unchanged.
 */
export async function createMessageBatchStreamed(
  body: AsyncIterable<Uint8Array>,
  options: ApiCallOptions,
): Promise<BatchSummary> {
  const call: ApiCall = {
    operation: 'createMessageBatch',
    method: 'POST',
    pathSuffix: '',
    body,
    upload: true,
  };
  return callForBatch(call, options);
}

/** Sends `POST /v1/messages/batches/{id}/cancel` and returns the batch as it is now. */
export async function cancelMessageBatch(
  batchId: string,
  options: ApiCallOptions,
): Promise<BatchSummary> {
  const pathSuffix = `/${encodeURIComponent(batchId)}/cancel`;
  return callForBatch(
    { operation: 'cancelMessageBatch', batchId, method: 'POST', pathSuffix },
    options,
  );
}

/** Sends `GET /v1/messages/batches/{id}` and returns the batch. */
export async function retrieveMessageBatch(
  batchId: string,
  options: ApiCallOptions,
): Promise<BatchSummary> {
  const pathSuffix = `/${encodeURIComponent(batchId)}`;
  return callForBatch(
    { operation: 'retrieveMessageBatch', batchId, method: 'GET', pathSuffix },
    options,
  );
}

/** Sends `DELETE /v1/messages/batches/{id}` and returns the id from the response body. */
export async function deleteMessageBatch(
  batchId: string,
  options: ApiCallOptions,
): Promise<DeletedBatch> {
  const call: ApiCall = {
    operation: 'deleteMessageBatch',
    batchId,
    method: 'DELETE',
    pathSuffix: `/${encodeURIComponent(batchId)}`,
  };
  const { response, durationMs } = await send(call, options);
  logApiCall(call, response, durationMs);
  const deletedId = isPlainObject(response.body) ? response.body.id : undefined;
  if (typeof deletedId !== 'string' || deletedId === '') {
    const problem = 'the body has no id of the deleted batch';
    throw unexpectedBodyError(response, call, problem);
  }
  return { id: deletedId };
}

/** One page of `GET /v1/messages/batches`, newest first. */
export interface BatchPage {
  readonly data: BatchSummary[];
  readonly hasMore: boolean;
  readonly lastId?: string;
}

/** Sends `GET /v1/messages/batches?limit=...&after_id=...` and returns the page. */
export async function listMessageBatches(
  options: ApiCallOptions,
  page: { limit: number; afterId?: string },
): Promise<BatchPage> {
  const query = new URLSearchParams({ limit: String(page.limit) });
  if (page.afterId !== undefined) query.set('after_id', page.afterId);
  const call: ApiCall = {
    operation: 'listMessageBatches',
    method: 'GET',
    pathSuffix: `?${query.toString()}`,
  };
  const { response, durationMs } = await send(call, options);
  const { body } = response;
  logApiCall(call, response, durationMs);
  const rows = isPlainObject(body) && Array.isArray(body.data) ? body.data : undefined;
  const summaries = rows?.map(toBatchSummary);
  if (!isPlainObject(body) || summaries === undefined || summaries.some((s) => 'problem' in s)) {
    throw unexpectedBodyError(response, call, 'the body is not a page of batches');
  }
  return {
    data: summaries as BatchSummary[],
    hasMore: body.has_more === true,
    lastId: typeof body.last_id === 'string' ? body.last_id : undefined,
  };
}

/** Sends a call that returns a MessageBatch and copies its summary fields. */
async function callForBatch(call: ApiCall, options: ApiCallOptions): Promise<BatchSummary> {
  const { response, durationMs } = await send(call, options);
  const summary = toBatchSummary(response.body);
  if ('problem' in summary) {
    logApiCall(call, response, durationMs);
    throw unexpectedBodyError(response, call, `the body is not a MessageBatch: ${summary.problem}`);
  }
  const describedId = shorten(summary.id);
  logApiCall({ ...call, batchId: describedId }, response, durationMs, summary.processing_status);
  if (call.batchId !== undefined && summary.id !== call.batchId) {
    const problem = `the body describes batch ${describedId}, not the requested one`;
    throw unexpectedBodyError(response, call, problem);
  }
  return summary;
}

/**
 * Makes the one HTTP attempt and parses a 2xx JSON body, with the API key replaced in every
 * string of the response. Throws the mapped error for a failed connection, a timeout, an error
 * status or a body that is not JSON.
 */
async function send(call: ApiCall, options: ApiCallOptions): Promise<TimedResponse> {
  const config = readApiConfig();
  const settings = call.upload
    ? { ...config, httpTimeoutMs: config.uploadTimeoutMs, timeoutVariable: 'UPLOAD_TIMEOUT_MS' }
    : config;
  const startedMs = performance.now();
  let received: HttpResponse;
  try {
    received = await sendOnce(
      `${config.baseUrl}${BATCHES_PATH}${call.pathSuffix}`,
      call,
      options,
      settings.httpTimeoutMs,
    );
  } catch (error) {
    throw errorFromRequestFailure(error, call, settings) ?? error;
  }
  const durationMs = Math.round(performance.now() - startedMs);
  // Everything below reads the response through this view, never through `received`.
  const response = readResponse(received, options.apiKey);
  if (response.status < 200 || response.status > 299) {
    logApiCall(call, response, durationMs);
    throw errorFromResponse(response, call);
  }
  if (response.body === undefined) {
    logApiCall(call, response, durationMs);
    throw unexpectedBodyError(response, call, 'the body is not JSON');
  }
  return { response, durationMs };
}

function sendOnce(
  url: string,
  call: ApiCall,
  options: ApiCallOptions,
  timeoutMs: number,
): Promise<HttpResponse> {
  return sendHttpRequest({
    method: call.method,
    url: new URL(url),
    headers: {
      'x-api-key': options.apiKey,
      'anthropic-version': options.anthropicVersion,
      'content-type': 'application/json',
    },
    body: call.body,
    timeoutMs,
    // A create on a reused connection that the server has just closed fails without showing
    // whether the server read it, so its outcome would be unknown. A new connection avoids that.
    keepAlive: call.operation !== 'createMessageBatch',
  });
}

function logApiCall(
  context: CallContext,
  response: ApiResponse,
  durationMs: number,
  processingStatus?: string,
): void {
  logger.info('Message Batches API call finished', {
    operation: context.operation,
    batchId: context.batchId,
    status: response.status,
    processing_status: processingStatus,
    requestId: response.headers.get('request-id'),
    durationMs,
  });
}
