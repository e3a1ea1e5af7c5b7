import { handler as retrieveHandler } from '../../lambdas/retrieve-message-batch';
import {
  ApiTimeoutError,
  AuthenticationError,
  BillingError,
  ConflictError,
  ConnectionFailedError,
  InvalidRequestError,
  NetworkError,
  NotFoundError,
  OverloadedError,
  PermissionError,
  RateLimitedError,
  RequestTimeoutError,
  RequestTooLargeError,
  ServerError,
  UnexpectedResponseError,
} from '../../lambdas/shared/errors';
import { RETRY_REFUSED_ERROR_NAME } from '../../lambdas/shared/handler';
import {
  closedPortUrl,
  invokeExpectingError,
  retrieveWithFault,
  TEST_API_KEY,
  useHandlerTestEnv,
} from './lambda-test-env';

const PROXY_PAGE = `<html><head><title>413 Request Entity Too Large</title></head><body>${'padding '.repeat(60)}</body></html>`;

const env = useHandlerTestEnv();

const STATUS_CASES = [
  {
    kind: '429 with retry-after',
    fault: { status: 429, retryAfterSeconds: 30 },
    errorClass: RateLimitedError,
    name: 'RateLimited',
    errorType: 'rate_limit_error',
    retryAfterSeconds: 30,
  },
  {
    kind: '429 with retry-after-ms',
    fault: { status: 429, retryAfterMs: 1500 },
    errorClass: RateLimitedError,
    name: 'RateLimited',
    errorType: 'rate_limit_error',
    retryAfterSeconds: 2,
  },
  {
    kind: '529',
    fault: { status: 529 },
    errorClass: OverloadedError,
    name: 'Overloaded',
    errorType: 'overloaded_error',
  },
  {
    kind: '500',
    fault: { status: 500 },
    errorClass: ServerError,
    name: 'ServerError',
    errorType: 'api_error',
  },
  {
    kind: '503',
    fault: { status: 503 },
    errorClass: ServerError,
    name: 'ServerError',
    errorType: 'api_error',
  },
  {
    kind: '504',
    fault: { status: 504 },
    errorClass: ApiTimeoutError,
    name: 'ApiTimeout',
    errorType: 'timeout_error',
  },
  {
    kind: '401 twice',
    fault: { status: 401 },
    errorClass: AuthenticationError,
    name: 'AuthenticationFailed',
    errorType: 'authentication_error',
  },
  {
    kind: '402',
    fault: { status: 402 },
    errorClass: BillingError,
    name: 'BillingError',
    errorType: 'billing_error',
  },
  {
    kind: '403',
    fault: { status: 403 },
    errorClass: PermissionError,
    name: 'PermissionDenied',
    errorType: 'permission_error',
  },
  {
    kind: '404',
    fault: { status: 404 },
    errorClass: NotFoundError,
    name: 'BatchNotFound',
    errorType: 'not_found_error',
  },
  {
    kind: '400',
    fault: { status: 400 },
    errorClass: InvalidRequestError,
    name: 'InvalidRequest',
    errorType: 'invalid_request_error',
  },
  {
    kind: '409',
    fault: { status: 409 },
    errorClass: ConflictError,
    name: 'Conflict',
    errorType: 'conflict_error',
  },
  {
    kind: '413 with JSON body',
    fault: { status: 413 },
    errorClass: RequestTooLargeError,
    name: 'RequestTooLarge',
    errorType: 'request_too_large',
  },
  {
    kind: '413 with HTML body',
    fault: { status: 413, rawBody: PROXY_PAGE },
    errorClass: RequestTooLargeError,
    name: 'RequestTooLarge',
    errorType: undefined,
  },
  {
    kind: '418',
    fault: { status: 418 },
    errorClass: UnexpectedResponseError,
    name: 'UnexpectedResponse',
    errorType: 'invalid_request_error',
  },
];

describe('retrieveMessageBatch handler errors', () => {
  it.each(STATUS_CASES)(
    'maps $kind to $name',
    async ({ fault, errorClass, name, errorType, ...expected }) => {
      const { batchId, error, details } = await retrieveWithFault(env.emulator, fault);

      expect(error.name).toBe(name);
      expect(error.cause).toBeInstanceOf(errorClass);
      expect(details.status).toBe(fault.status);
      expect(details.errorType).toBe(errorType);
      expect(details.requestId).toMatch(/^req_/);
      expect(details.batchId).toBe(batchId);
      expect(details.retryAfterSeconds).toBe(expected.retryAfterSeconds);
      expect(details.message).toContain(`HTTP ${fault.status}`);
      expect(details.message).toContain(`while retrieving batch ${batchId}`);
      expect(error.message).not.toContain(TEST_API_KEY);
    },
  );

  it('writes the documented 429 message', async () => {
    const { batchId, details } = await retrieveWithFault(env.emulator, {
      status: 429,
      retryAfterSeconds: 30,
    });

    expect(details.message).toMatch(
      new RegExp(
        `^Rate limited \\(HTTP 429, rate_limit_error, request req_\\w+\\) while retrieving batch ${batchId}; retry after 30 s or lower the request rate\\. API message: `,
      ),
    );
  });

  it('quotes at most 100 chars of HTML', async () => {
    const { details } = await retrieveWithFault(env.emulator, { status: 413, rawBody: PROXY_PAGE });

    const quoted = /The response body was not JSON: (".*")$/.exec(details.message)?.[1];
    expect(quoted).toBeDefined();
    expect((JSON.parse(quoted ?? '""') as string).length).toBeLessThanOrEqual(100);
    expect(quoted).toContain('413 Request Entity Too Large');
  });

  it('redacts the key from a quoted body', async () => {
    const { details } = await retrieveWithFault(env.emulator, {
      status: 502,
      rawBody: `bad key ${TEST_API_KEY}`,
    });

    expect(details.message).toContain('[redacted API key]');
    expect(details.message).not.toContain(TEST_API_KEY);
  });

  it.each([
    { kind: '500', status: 500, errorClass: ServerError },
    { kind: '529', status: 529, errorClass: OverloadedError },
  ])('maps $kind x-should-retry false to RetryRefused', async ({ status, errorClass }) => {
    const { batchId, error, details } = await retrieveWithFault(env.emulator, {
      status,
      shouldRetry: false,
    });

    expect(error.name).toBe(RETRY_REFUSED_ERROR_NAME);
    expect(error.cause).toBeInstanceOf(errorClass);
    expect(details.status).toBe(status);
    expect(details.shouldRetry).toBe(false);
    expect(details.batchId).toBe(batchId);
    expect(details.message).toContain(`HTTP ${status}`);
    expect(details.message).toMatch(
      /The server sent x-should-retry: false, so the workflow does not retry it\.$/,
    );
    expect(env.capture.entries().filter((entry) => entry.level === 'ERROR')).toHaveLength(1);
  });

  it('keeps InvalidRequest with x-should-retry false', async () => {
    const { error, details } = await retrieveWithFault(env.emulator, {
      status: 400,
      shouldRetry: false,
    });

    expect(error.name).toBe('InvalidRequest');
    expect(error.cause).toBeInstanceOf(InvalidRequestError);
    expect(details.shouldRetry).toBe(false);
    expect(details.message).not.toContain('x-should-retry');
  });

  it('keeps Overloaded with x-should-retry true', async () => {
    const { error, details } = await retrieveWithFault(env.emulator, {
      status: 529,
      shouldRetry: true,
    });

    expect(error.name).toBe('Overloaded');
    expect(details.shouldRetry).toBe(true);
  });

  it('maps a slow response to RequestTimeout', async () => {
    process.env.HTTP_TIMEOUT_MS = '200';

    const { batchId, error, details } = await retrieveWithFault(env.emulator, { delayMs: 2_000 });

    expect(error.name).toBe('RequestTimeout');
    expect(error.cause).toBeInstanceOf(RequestTimeoutError);
    expect(details.batchId).toBe(batchId);
    expect(details.status).toBeUndefined();
    expect(details.message).toContain('timed out after 200 ms (HTTP_TIMEOUT_MS)');
  });

  it('maps a reset to NetworkError sent', async () => {
    const { batchId, error, details } = await retrieveWithFault(env.emulator, { reset: 'before' });

    expect(error.name).toBe('NetworkError');
    expect(error.cause).toBeInstanceOf(NetworkError);
    expect(details.requestSent).toBe(true);
    expect(details.batchId).toBe(batchId);
  });

  it('maps a closed port to ConnectionFailed', async () => {
    process.env.ANTHROPIC_BASE_URL = await closedPortUrl();

    const { error, details } = await invokeExpectingError(retrieveHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: '2023-06-01',
      pollCount: 0,
    });

    expect(error.name).toBe('ConnectionFailed');
    expect(error.cause).toBeInstanceOf(ConnectionFailedError);
    expect(error.cause).toBeInstanceOf(NetworkError);
    expect(details.requestSent).toBe(false);
    expect(details.message).toContain('ECONNREFUSED');
    expect(details.message).toContain('nothing reached the server');
  });

  it('maps a non-JSON 200 to UnexpectedResponse', async () => {
    const { error, details } = await retrieveWithFault(env.emulator, {
      status: 200,
      rawBody: 'OK',
    });

    expect(error.name).toBe('UnexpectedResponse');
    expect(details.status).toBe(200);
    expect(details.message).toContain('the body is not JSON');
  });

  it('maps a 200 without MessageBatch fields', async () => {
    const rawBody = JSON.stringify({ id: 'msgbatch_x', processing_status: 'done' });

    const { error, details } = await retrieveWithFault(env.emulator, {
      status: 200,
      rawBody,
      contentType: 'application/json',
    });

    expect(error.name).toBe('UnexpectedResponse');
    expect(details.message).toContain('processing_status is not in_progress, canceling or ended');
  });
});
