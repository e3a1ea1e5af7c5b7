/**
 * Error hierarchy of the batch workflow.
 *
 * Every class sets `name` explicitly because minified bundles mangle class names and Step
 * Functions matches Retry and Catch on the error name. This module has no Lambda-only imports,
 * so the local runner and the CLI can use it too.
 */

/** Fields that the state machine and the logs read from a failure. */
export interface ErrorDetails {
  /** Human-readable message: what failed, with the values, and what to do. */
  message: string;
  /** HTTP status of the API response. */
  status?: number;
  /** `error.type` from a JSON error body, such as `rate_limit_error`. */
  errorType?: string;
  /** `request-id` header, or `request_id` from the error body. */
  requestId?: string;
  /** Message Batch id, when the call concerned one batch. */
  batchId?: string;
  /** Whole seconds to wait before a retry, from `retry-after-ms` or `retry-after`. */
  retryAfterSeconds?: number;
  /** Value of the `x-should-retry` response header. */
  shouldRetry?: boolean;
  /** Whether the HTTP request reached the server (set only on `NetworkError`). */
  requestSent?: boolean;
  /** Invalid input field, such as `requests[3].custom_id`. */
  field?: string;
  /** Invalid value, shortened, or only its type when the value may contain prompt text. */
  value?: string;
  /** Change that makes the input valid. */
  fix?: string;
}

/** Base class of every error that the handlers raise on purpose. */
export abstract class BatchWorkflowError extends Error {
  override name = 'BatchWorkflowError';

  /** Whether the state machine may retry the same call after this error. */
  get retryable(): boolean {
    return false;
  }

  /** Returns the fields that the handler boundary serializes for Step Functions. */
  details(): ErrorDetails {
    return { message: this.message };
  }
}

/** Fields of an error returned by the Message Batches API or met on the way to it. */
export interface ApiErrorInfo {
  message: string;
  status?: number;
  errorType?: string;
  requestId?: string;
  batchId?: string;
  retryAfterSeconds?: number;
  shouldRetry?: boolean;
}

/** Base class of the errors of one HTTP call to the Message Batches API. */
export abstract class ApiError extends BatchWorkflowError {
  override name = 'ApiError';
  readonly status?: number;
  readonly errorType?: string;
  readonly requestId?: string;
  readonly batchId?: string;
  readonly retryAfterSeconds?: number;
  readonly shouldRetry?: boolean;
  /** Whether this kind of error is worth retrying when the server sends no `x-should-retry`. */
  protected readonly retryableByDefault: boolean = false;

  constructor(info: ApiErrorInfo, options?: ErrorOptions) {
    super(info.message, options);
    this.status = info.status;
    this.errorType = info.errorType;
    this.requestId = info.requestId;
    this.batchId = info.batchId;
    this.retryAfterSeconds = info.retryAfterSeconds;
    this.shouldRetry = info.shouldRetry;
  }

  override get retryable(): boolean {
    return this.shouldRetry ?? this.retryableByDefault;
  }

  /** True when the error kind is usually retried but the server sent `x-should-retry: false`. */
  get retryRefusedByServer(): boolean {
    return this.retryableByDefault && this.shouldRetry === false;
  }

  /** Returns the fields of this error, for example to rethrow it with a longer message. */
  info(): ApiErrorInfo {
    return {
      message: this.message,
      status: this.status,
      errorType: this.errorType,
      requestId: this.requestId,
      batchId: this.batchId,
      retryAfterSeconds: this.retryAfterSeconds,
      shouldRetry: this.shouldRetry,
    };
  }

  override details(): ErrorDetails {
    return this.info();
  }
}

/** HTTP 429 `rate_limit_error`. */
export class RateLimitedError extends ApiError {
  override name = 'RateLimited';
  protected override readonly retryableByDefault = true;
}

/** HTTP 529 `overloaded_error`. */
export class OverloadedError extends ApiError {
  override name = 'Overloaded';
  protected override readonly retryableByDefault = true;
}

/** HTTP 500 `api_error`, or any other 5xx status without a class of its own. */
export class ServerError extends ApiError {
  override name = 'ServerError';
  protected override readonly retryableByDefault = true;
}

/** HTTP 504 `timeout_error`: the API timed out while handling the request. */
export class ApiTimeoutError extends ApiError {
  override name = 'ApiTimeout';
  protected override readonly retryableByDefault = true;
}

/** The handler's own HTTP timeout fired after the request was sent. */
export class RequestTimeoutError extends ApiError {
  override name = 'RequestTimeout';
  protected override readonly retryableByDefault = true;
}

/** Connection failure without an HTTP response. */
export class NetworkError extends ApiError {
  override name = 'NetworkError';
  protected override readonly retryableByDefault = true;
  /** False when nothing reached the server (connection refused, host not resolved). */
  readonly requestSent: boolean;

  constructor(info: ApiErrorInfo & { requestSent: boolean }, options?: ErrorOptions) {
    super(info, options);
    this.requestSent = info.requestSent;
  }

  override details(): ErrorDetails {
    return { ...this.info(), requestSent: this.requestSent };
  }
}

/**
 * Connection failure before any byte of the request reached the server, such as a refused
 * connection or an unresolved host. Unlike `NetworkError` it proves that nothing was created, so
 * the state machine may retry even a create.
 */
export class ConnectionFailedError extends NetworkError {
  override name = 'ConnectionFailed';

  constructor(info: ApiErrorInfo, options?: ErrorOptions) {
    super({ ...info, requestSent: false }, options);
  }
}

/** HTTP 401 `authentication_error`. */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationFailed';
}

/** HTTP 403 `permission_error`. */
export class PermissionError extends ApiError {
  override name = 'PermissionDenied';
}

/** HTTP 402 `billing_error`. */
export class BillingError extends ApiError {
  override name = 'BillingError';
}

/** HTTP 404 `not_found_error`: the batch id is unknown or deleted. */
export class NotFoundError extends ApiError {
  override name = 'BatchNotFound';
}

/** HTTP 400 `invalid_request_error`. */
export class InvalidRequestError extends ApiError {
  override name = 'InvalidRequest';
}

/** HTTP 409 `conflict_error`. */
export class ConflictError extends ApiError {
  override name = 'Conflict';
}

/** HTTP 413 `request_too_large`, often with a non-JSON body from a proxy. */
export class RequestTooLargeError extends ApiError {
  override name = 'RequestTooLarge';
}

/** Any other status, or a 2xx response whose body is not the expected JSON. */
export class UnexpectedResponseError extends ApiError {
  override name = 'UnexpectedResponse';
}

/** Fields of an invalid execution input or handler event. */
export interface InvalidInputInfo {
  message: string;
  field: string;
  value: string;
  fix: string;
}

/** Execution input or handler event that fails validation, raised before any API call. */
export class InvalidInputError extends BatchWorkflowError {
  override name = 'InvalidInput';
  readonly field: string;
  readonly value: string;
  readonly fix: string;

  constructor(info: InvalidInputInfo) {
    super(info.message);
    this.field = info.field;
    this.value = info.value;
    this.fix = info.fix;
  }

  override details(): ErrorDetails {
    return { message: this.message, field: this.field, value: this.value, fix: this.fix };
  }
}

/** The API key could not be read: variable unset, secret missing, empty, unreadable or denied. */
export class ApiKeyUnavailableError extends BatchWorkflowError {
  override name = 'ApiKeyUnavailable';
}

/**
 * The requests object named by `requestsS3Uri` exists but could not be read: S3 denied access,
 * returned an error, or the connection failed while reading it. The create request body was
 * not complete, so no batch was created.
 */
export class RequestsObjectUnreadableError extends BatchWorkflowError {
  override name = 'RequestsObjectUnreadable';
}

/** An environment variable of the handler has an invalid value. */
export class ConfigurationError extends BatchWorkflowError {
  override name = 'InvalidConfiguration';
}

/** A batch that may be this execution's: created within the submit's time window. */
export interface CandidateBatch {
  id: string;
  created_at: string;
  processing_status: string;
}

/**
 * The create request failed after it may have reached the API (500, 504, timeout, lost
 * connection), so a batch may exist that the execution never learned about. It carries the
 * batches that a list call found in the submit's time window with the same request count.
 */
export class SubmitOutcomeUnknownError extends BatchWorkflowError {
  override name = 'SubmitOutcomeUnknown';
  readonly candidates: CandidateBatch[];
  readonly original: ApiError;

  constructor(message: string, original: ApiError, candidates: CandidateBatch[]) {
    super(message, { cause: original });
    this.original = original;
    this.candidates = candidates;
  }

  override details(): ErrorDetails {
    const { status, errorType, requestId } = this.original.info();
    return { message: this.message, status, errorType, requestId };
  }
}
