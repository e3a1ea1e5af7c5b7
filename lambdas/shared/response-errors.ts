/**
 * Maps a Message Batches API response with an error status, or with a 2xx body that is not the
 * expected JSON, to the error class that the state machine routes on.
 *
 * The response comes from `readResponse`, which has already replaced the API key in every string.
 * A message quotes identifiers from it cut to MAX_FIELD_CHARS (200) and a body excerpt cut to
 * MAX_QUOTED_CHARS (100), so its length stays bounded whatever the server sends.
 */
import {
  type ApiError,
  type ApiErrorInfo,
  ApiTimeoutError,
  AuthenticationError,
  BillingError,
  ConflictError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  PermissionError,
  RateLimitedError,
  RequestTooLargeError,
  ServerError,
  UnexpectedResponseError,
} from './errors';
import { type CallContext, describeAction } from './operations';
import {
  type ApiResponse,
  parseErrorBody,
  parseRetryAfterSeconds,
  parseShouldRetry,
  type ParsedErrorBody,
  shorten,
} from './response-fields';

/** Fields of an API error other than its message. */
type ErrorFields = Omit<ApiErrorInfo, 'message'>;

interface ErrorKind {
  readonly errorClass: new (info: ApiErrorInfo) => ApiError;
  readonly title: string;
  readonly advise: (context: CallContext, info: ErrorFields) => string;
}

const MAX_QUOTED_CHARS = 100;
const CREATE_MAY_HAVE_SUCCEEDED =
  'a batch may have been created anyway, so list batches before retrying, because create has no idempotency key';

const RETRY_WITH_BACKOFF = (context: CallContext): string =>
  context.operation === 'createMessageBatch' ? CREATE_MAY_HAVE_SUCCEEDED : 'retry with backoff';

const KINDS = {
  rateLimited: {
    errorClass: RateLimitedError,
    title: 'Rate limited',
    advise: (_context, info) =>
      info.retryAfterSeconds === undefined
        ? 'check the usage limits of the organization, because a 429 without retry-after can mean that a spend limit was reached'
        : `retry after ${info.retryAfterSeconds} s or lower the request rate`,
  },
  overloaded: {
    errorClass: OverloadedError,
    title: 'API overloaded',
    advise: () => 'retry with backoff, because the API is temporarily overloaded',
  },
  server: { errorClass: ServerError, title: 'API server error', advise: RETRY_WITH_BACKOFF },
  apiTimeout: { errorClass: ApiTimeoutError, title: 'API timed out', advise: RETRY_WITH_BACKOFF },
  authentication: {
    errorClass: AuthenticationError,
    title: 'Authentication failed',
    advise: () => 'check that the API key is valid and active',
  },
  billing: {
    errorClass: BillingError,
    title: 'Billing error',
    advise: () => 'check the billing details and credit balance of the organization',
  },
  permission: {
    errorClass: PermissionError,
    title: 'Permission denied',
    advise: () => 'use an API key whose workspace may use Message Batches',
  },
  notFound: {
    errorClass: NotFoundError,
    title: 'Not found',
    advise: (context) =>
      context.operation === 'createMessageBatch'
        ? 'check ANTHROPIC_BASE_URL'
        : 'check the batch id, because the batch may have been deleted or, in the first seconds after create, may not be visible yet',
  },
  invalidRequest: {
    errorClass: InvalidRequestError,
    title: 'Invalid request',
    advise: adviseInvalidRequest,
  },
  conflict: {
    errorClass: ConflictError,
    title: 'Conflict',
    advise: () => 'retrieve the batch to read its current processing_status before trying again',
  },
  tooLarge: {
    errorClass: RequestTooLargeError,
    title: 'Request too large',
    advise: () =>
      'split the requests into smaller batches, because the body exceeds the size limit (256 MB for create)',
  },
  unexpected: {
    errorClass: UnexpectedResponseError,
    title: 'Unexpected response',
    advise: () => 'check ANTHROPIC_BASE_URL, because a proxy or another server may have answered',
  },
} satisfies Record<string, ErrorKind>;

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  400: KINDS.invalidRequest,
  401: KINDS.authentication,
  402: KINDS.billing,
  403: KINDS.permission,
  404: KINDS.notFound,
  409: KINDS.conflict,
  413: KINDS.tooLarge,
  429: KINDS.rateLimited,
  504: KINDS.apiTimeout,
  529: KINDS.overloaded,
};

function adviseInvalidRequest(context: CallContext): string {
  switch (context.operation) {
    case 'cancelMessageBatch':
      return 'a cancel is rejected when the batch has already ended, so retrieve it to read its processing_status';
    case 'deleteMessageBatch':
      return 'a delete is rejected until processing_status is ended, so poll the batch until it has ended';
    case 'createMessageBatch':
      return 'fix the requests (custom_id and params), because a retry fails the same way';
    case 'retrieveMessageBatch':
    case 'listMessageBatches':
      return 'fix the request, because a retry fails the same way';
  }
}

function classify(status: number, errorType: string | undefined): ErrorKind {
  const byStatus = KIND_BY_STATUS[status];
  if (byStatus !== undefined) return byStatus;
  if (status >= 500 && status <= 599) {
    if (errorType === 'overloaded_error') return KINDS.overloaded;
    if (errorType === 'timeout_error') return KINDS.apiTimeout;
    return KINDS.server;
  }
  return KINDS.unexpected;
}

/** Builds the error for a response whose status is not 2xx. */
export function errorFromResponse(response: ApiResponse, context: CallContext): ApiError {
  const body = parseErrorBody(response);
  const kind = classify(response.status, body.errorType);
  const info = readErrorInfo(response, context, body);
  const message = `${kind.title} ${describeCall(info, context)}; ${kind.advise(context, info)}. ${describeBody(response, body)}`;
  return new kind.errorClass({ ...info, message: message.trim() });
}

/** Builds the error for a 2xx response whose body is not the expected JSON. */
export function unexpectedBodyError(
  response: ApiResponse,
  context: CallContext,
  problem: string,
): UnexpectedResponseError {
  const body = parseErrorBody(response);
  const info = readErrorInfo(response, context, body);
  const quoted = response.body === undefined ? ` ${describeBody(response, body)}` : '';
  const message = `Unexpected response ${describeCall(info, context)}: ${problem}; ${KINDS.unexpected.advise()}.${quoted}`;
  return new UnexpectedResponseError({ ...info, message });
}

function readErrorInfo(
  response: ApiResponse,
  context: CallContext,
  body: ParsedErrorBody,
): ErrorFields {
  return {
    status: response.status,
    errorType: body.errorType,
    requestId: response.headers.get('request-id') ?? body.requestId,
    batchId: context.batchId,
    retryAfterSeconds: parseRetryAfterSeconds(response.headers),
    shouldRetry: parseShouldRetry(response.headers),
  };
}

/** Describes the call, such as "(HTTP 429, rate_limit_error, request req_1) while ...". */
function describeCall(info: ErrorFields, context: CallContext): string {
  const parts = [
    `HTTP ${info.status}`,
    info.errorType,
    info.requestId && `request ${info.requestId}`,
  ];
  return `(${parts.filter(Boolean).join(', ')}) while ${describeAction(context)}`;
}

function describeBody(response: ApiResponse, body: ParsedErrorBody): string {
  if (body.apiMessage !== undefined) return `API message: ${quote(body.apiMessage)}`;
  if (response.body !== undefined) return '';
  if (response.bodyText.trim() === '') return 'The response body was empty.';
  return `The response body was not JSON: ${quote(response.bodyText)}`;
}

/** Quotes text on one line, cut to about 100 characters. */
function quote(text: string): string {
  return JSON.stringify(shorten(text.replace(/\s+/g, ' ').trim(), MAX_QUOTED_CHARS));
}
