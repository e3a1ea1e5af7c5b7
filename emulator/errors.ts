import type { ErrorResponse } from '@anthropic-ai/sdk/resources/shared';

/** `error.type` values that the Message Batches API sends, including `request_too_large` for 413. */
export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

const ERROR_TYPE_BY_STATUS: Readonly<Record<number, ApiErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** Maps an HTTP status to its `error.type`; other 5xx map to api_error, other 4xx to invalid_request_error. */
export function errorTypeForStatus(status: number): ApiErrorType {
  const known = ERROR_TYPE_BY_STATUS[status];
  if (known !== undefined) {
    return known;
  }
  return status >= 500 ? 'api_error' : 'invalid_request_error';
}

/** Error body that the API sends, as in the official SDK's `ErrorResponse` but with any `error.type`. */
export interface ErrorEnvelope extends Omit<ErrorResponse, 'error' | 'request_id'> {
  error: { type: ApiErrorType; message: string };
  request_id: string;
}

/** Builds the `{"type":"error","error":{...},"request_id"}` body. */
export function errorEnvelope(
  type: ApiErrorType,
  message: string,
  requestId: string,
): ErrorEnvelope {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** HTTP error that a route handler throws; the server turns it into the standard error envelope. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly type: ApiErrorType;

  constructor(
    readonly status: number,
    message: string,
    type: ApiErrorType = errorTypeForStatus(status),
  ) {
    super(message);
    this.type = type;
  }
}

/** Thrown when a caller passes invalid options, fault rules, edge cases or seed batches to the emulator. */
export class EmulatorInputError extends Error {
  override readonly name = 'EmulatorInputError';
}
