import {
  ApiKeyUnavailableError,
  ApiTimeoutError,
  AuthenticationError,
  BillingError,
  ConfigurationError,
  ConflictError,
  ConnectionFailedError,
  InvalidInputError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  OverloadedError,
  PermissionError,
  RateLimitedError,
  RequestTimeoutError,
  RequestTooLargeError,
  ServerError,
  SubmitOutcomeUnknownError,
  UnexpectedResponseError,
} from '../../lambdas/shared/errors';
import { headerReader } from '../../lambdas/shared/http-request';
import { parseRetryAfterSeconds } from '../../lambdas/shared/response-fields';

const INFO = { message: 'failed', status: 500, requestId: 'req_1', batchId: 'msgbatch_1' };

describe('error classes', () => {
  it.each([
    { error: new RateLimitedError(INFO), name: 'RateLimited', retryable: true },
    { error: new OverloadedError(INFO), name: 'Overloaded', retryable: true },
    { error: new ServerError(INFO), name: 'ServerError', retryable: true },
    { error: new ApiTimeoutError(INFO), name: 'ApiTimeout', retryable: true },
    { error: new RequestTimeoutError(INFO), name: 'RequestTimeout', retryable: true },
    {
      error: new NetworkError({ ...INFO, requestSent: false }),
      name: 'NetworkError',
      retryable: true,
    },
    { error: new ConnectionFailedError(INFO), name: 'ConnectionFailed', retryable: true },
    { error: new AuthenticationError(INFO), name: 'AuthenticationFailed', retryable: false },
    { error: new PermissionError(INFO), name: 'PermissionDenied', retryable: false },
    { error: new BillingError(INFO), name: 'BillingError', retryable: false },
    { error: new NotFoundError(INFO), name: 'BatchNotFound', retryable: false },
    { error: new InvalidRequestError(INFO), name: 'InvalidRequest', retryable: false },
    { error: new ConflictError(INFO), name: 'Conflict', retryable: false },
    { error: new RequestTooLargeError(INFO), name: 'RequestTooLarge', retryable: false },
    { error: new UnexpectedResponseError(INFO), name: 'UnexpectedResponse', retryable: false },
    { error: new ApiKeyUnavailableError('no key'), name: 'ApiKeyUnavailable', retryable: false },
    { error: new ConfigurationError('bad'), name: 'InvalidConfiguration', retryable: false },
  ])('$name has its name and retry flag', ({ error, name, retryable }) => {
    expect(error.name).toBe(name);
    expect(error.retryable).toBe(retryable);
    expect(error).toBeInstanceOf(Error);
  });

  it('lets x-should-retry override the class', () => {
    expect(new ServerError({ ...INFO, shouldRetry: false }).retryable).toBe(false);
    expect(new ConflictError({ ...INFO, shouldRetry: true }).retryable).toBe(true);
  });

  it.each([
    {
      kind: 'ServerError without header',
      error: new ServerError(INFO),
      retryRefusedByServer: false,
    },
    {
      kind: 'ServerError with false',
      error: new ServerError({ ...INFO, shouldRetry: false }),
      retryRefusedByServer: true,
    },
    {
      kind: 'ServerError with true',
      error: new ServerError({ ...INFO, shouldRetry: true }),
      retryRefusedByServer: false,
    },
    {
      kind: 'ConflictError with false',
      error: new ConflictError({ ...INFO, shouldRetry: false }),
      retryRefusedByServer: false,
    },
  ])('sets retryRefusedByServer for $kind', ({ error, retryRefusedByServer }) => {
    expect(error.retryRefusedByServer).toBe(retryRefusedByServer);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket closed');

    expect(new NetworkError({ ...INFO, requestSent: true }, { cause }).cause).toBe(cause);
  });

  it('lists API fields in details', () => {
    const error = new RateLimitedError({
      ...INFO,
      errorType: 'rate_limit_error',
      retryAfterSeconds: 3,
    });

    expect(JSON.parse(JSON.stringify(error.details()))).toEqual({
      message: 'failed',
      status: 500,
      errorType: 'rate_limit_error',
      requestId: 'req_1',
      batchId: 'msgbatch_1',
      retryAfterSeconds: 3,
    });
  });

  it('adds requestSent for NetworkError', () => {
    expect(new NetworkError({ ...INFO, requestSent: false }).details().requestSent).toBe(false);
  });

  it('makes ConnectionFailed an unsent NetworkError', () => {
    const error = new ConnectionFailedError(INFO);

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.requestSent).toBe(false);
    expect(error.details().requestSent).toBe(false);
  });

  it('lists the original fields for SubmitOutcomeUnknown', () => {
    const original = new ServerError({ ...INFO, errorType: 'api_error', retryAfterSeconds: 3 });
    const candidates = [
      { id: 'msgbatch_2', created_at: '2026-12-04T12:00:00Z', processing_status: 'in_progress' },
    ];

    const error = new SubmitOutcomeUnknownError('outcome unknown', original, candidates);

    expect(error.name).toBe('SubmitOutcomeUnknown');
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(original);
    expect(error.candidates).toEqual(candidates);
    expect(error.details()).toEqual({
      message: 'outcome unknown',
      status: 500,
      errorType: 'api_error',
      requestId: 'req_1',
    });
  });

  it('lists input fields in details', () => {
    const error = new InvalidInputError({
      message: 'bad',
      field: 'requests',
      value: 'missing',
      fix: 'add it',
    });

    expect(error.details()).toEqual({
      message: 'bad',
      field: 'requests',
      value: 'missing',
      fix: 'add it',
    });
  });
});

describe('parseRetryAfterSeconds', () => {
  const NOW_MS = Date.parse('2026-12-04T12:00:00Z');

  const cases: Array<{ headers: Record<string, string>; seconds: number | undefined }> = [
    { headers: { 'retry-after': '30' }, seconds: 30 },
    { headers: { 'retry-after': 'Fri, 04 Dec 2026 12:00:45 GMT' }, seconds: 45 },
    { headers: { 'retry-after': 'Fri, 04 Dec 2026 11:59:00 GMT' }, seconds: 0 },
    { headers: { 'retry-after-ms': '1500' }, seconds: 2 },
    { headers: { 'retry-after-ms': '250', 'retry-after': '30' }, seconds: 1 },
    { headers: { 'retry-after': 'soon' }, seconds: undefined },
    { headers: {}, seconds: undefined },
  ];

  it.each(cases)('reads $headers', ({ headers, seconds }) => {
    expect(parseRetryAfterSeconds(headerReader(headers), NOW_MS)).toBe(seconds);
  });
});
