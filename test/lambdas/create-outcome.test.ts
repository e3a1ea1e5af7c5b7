import http from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { FaultRule, Route } from '../../emulator';
import { handler as createHandler } from '../../lambdas/create-message-batch';
import {
  ConnectionFailedError,
  NetworkError,
  OverloadedError,
  SubmitOutcomeUnknownError,
} from '../../lambdas/shared/errors';
import { RETRY_REFUSED_ERROR_NAME } from '../../lambdas/shared/handler';
import {
  closedPortUrl,
  invokeExpectingError,
  TEST_CREATE_EVENT,
  TEST_REQUESTS,
  useHandlerTestEnv,
} from './lambda-test-env';

const NONE_FOUND = 'No batch with that request count was created since the submit began.';
const FOUND_PREFIX = 'Batches created since the submit began with 1 requests: ';

// Each test gets its own emulator, so its ledger and list contain only the batches of that test.
const env = useHandlerTestEnv({}, 'test');

function requestsTo(route: Route): Array<number | 'reset'> {
  return env.emulator
    .requests()
    .filter((record) => record.route === route)
    .map((record) => record.status);
}

/** Returns the SubmitOutcomeUnknownError that the boundary error wraps. */
function outcomeError(error: Error): SubmitOutcomeUnknownError {
  if (!(error.cause instanceof SubmitOutcomeUnknownError)) {
    throw new Error(`Expected a SubmitOutcomeUnknownError cause, got ${error.name}`);
  }
  return error.cause;
}

function candidateIds(error: Error): string[] {
  return outcomeError(error).candidates.map((candidate) => candidate.id);
}

interface ChangedCase {
  kind: string;
  fault: Omit<FaultRule, 'route'>;
  originalName: string;
  status?: number;
  httpTimeoutMs?: string;
}

const CHANGED_CASES: ChangedCase[] = [
  {
    kind: '500 after the change',
    fault: { status: 500, applyChange: true },
    originalName: 'ServerError',
    status: 500,
  },
  {
    kind: '504 after the change',
    fault: { status: 504, applyChange: true },
    originalName: 'ApiTimeout',
    status: 504,
  },
  {
    kind: 'unreadable 200 body',
    fault: { status: 200, rawBody: 'OK', applyChange: true },
    originalName: 'UnexpectedResponse',
    status: 200,
  },
  { kind: 'reset after the change', fault: { reset: 'after' }, originalName: 'NetworkError' },
  {
    kind: 'timeout after the change',
    fault: { delayMs: 2_000 },
    originalName: 'RequestTimeout',
    httpTimeoutMs: '200',
  },
];

describe('createMessageBatch unknown outcome', () => {
  it.each(CHANGED_CASES)(
    'names the batch after $kind',
    async ({ fault, originalName, status, httpTimeoutMs }) => {
      if (httpTimeoutMs !== undefined) process.env.HTTP_TIMEOUT_MS = httpTimeoutMs;
      env.emulator.addFault({ route: 'createMessageBatch', times: 1, ...fault });

      const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

      // A retried create would pass the fault (times: 1) and add a second batch to the ledger.
      const ledger = env.emulator.ledger();
      const batchId = ledger[0]?.id ?? '(no batch)';
      expect(error.name).toBe('SubmitOutcomeUnknown');
      expect(ledger).toHaveLength(1);
      expect(candidateIds(error)).toEqual([batchId]);
      expect(outcomeError(error).original.name).toBe(originalName);
      expect(details.message).toContain(`${FOUND_PREFIX}${batchId} (created `);
      expect(details.message).toContain(`The create request failed with ${originalName}`);
      expect(details.status).toBe(status);
      expect(details.batchId).toBeUndefined();
      expect(requestsTo('listMessageBatches')).toEqual([200]);
    },
  );

  it('reports none found after 500', async () => {
    env.emulator.addFault({ route: 'createMessageBatch', status: 500, times: 1 });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(error.name).toBe('SubmitOutcomeUnknown');
    expect(candidateIds(error)).toEqual([]);
    expect(details.message).toContain(NONE_FOUND);
    expect(details.message).toContain('ServerError (HTTP 500, req_');
    expect(details.message).toContain('The workflow did not retry the create');
    expect(details.status).toBe(500);
    expect(details.errorType).toBe('api_error');
    expect(details.requestId).toMatch(/^req_/);
    expect(details.batchId).toBeUndefined();
    expect(env.emulator.ledger()).toHaveLength(0);
    expect(requestsTo('createMessageBatch')).toEqual([500]);
    expect(requestsTo('listMessageBatches')).toEqual([200]);
  });

  it('skips a batch with another request count', async () => {
    const otherRequests = ['first', 'second'].map((customId) => ({
      custom_id: customId,
      params: {},
    }));
    const other = env.emulator.createBatchDirectly({ requests: otherRequests });
    env.emulator.addFault({
      route: 'createMessageBatch',
      status: 500,
      applyChange: true,
      times: 1,
    });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    const created = env.emulator.ledger().find((entry) => entry.id !== other.id);
    expect(created?.requestCount).toBe(1);
    expect(candidateIds(error)).toEqual([created?.id]);
    expect(details.message).not.toContain(other.id);
  });

  it('names every batch with the same count', async () => {
    const earlier = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });
    env.emulator.addFault({
      route: 'createMessageBatch',
      status: 500,
      applyChange: true,
      times: 1,
    });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    const created = env.emulator.ledger().find((entry) => entry.id !== earlier.id);
    expect(candidateIds(error)).toEqual([created?.id, earlier.id]);
    expect(details.message).toContain(earlier.id);
    expect(details.message).toContain(created?.id ?? '(no batch)');
  });

  it('stays unknown when the list fails', async () => {
    env.emulator.addFault({
      route: 'createMessageBatch',
      status: 500,
      applyChange: true,
      times: 1,
    });
    env.emulator.addFault({ route: 'listMessageBatches', status: 500 });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(error.name).toBe('SubmitOutcomeUnknown');
    expect(candidateIds(error)).toEqual([]);
    expect(details.message).toContain('Listing batches to find it failed too (ServerError).');
    expect(details.status).toBe(500);
    expect(env.emulator.ledger()).toHaveLength(1);
    expect(requestsTo('createMessageBatch')).toEqual([500]);
    expect(requestsTo('listMessageBatches')).toEqual([500]);
  });

  // The emulator reads the request line and headers before it destroys the socket, so the request
  // has reached the server. The connection then fails with ECONNRESET after it was established,
  // which does not show whether a batch was created, so the client raises NetworkError with
  // requestSent true.
  it('treats reset before the change as sent', async () => {
    env.emulator.addFault({ route: 'createMessageBatch', reset: 'before', times: 1 });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    const original = outcomeError(error).original;
    expect(error.name).toBe('SubmitOutcomeUnknown');
    expect(original).toBeInstanceOf(NetworkError);
    expect(original).not.toBeInstanceOf(ConnectionFailedError);
    expect((original as NetworkError).requestSent).toBe(true);
    expect(details.message).toContain(NONE_FOUND);
    expect(env.emulator.ledger()).toHaveLength(0);
    expect(requestsTo('createMessageBatch')).toEqual(['reset']);
  });
});

describe('createMessageBatch definite failures', () => {
  it('maps a timeout during the TLS handshake to ConnectionFailed', async () => {
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    process.env.ANTHROPIC_BASE_URL = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    process.env.HTTP_TIMEOUT_MS = '200';

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT).finally(
      () => silent.close(),
    );

    expect(error.name).toBe('ConnectionFailed');
    expect(details.requestSent).toBe(false);
    expect(details.message).toContain('connect timeout');
  });

  it('maps a closed port to ConnectionFailed', async () => {
    process.env.ANTHROPIC_BASE_URL = await closedPortUrl();
    const requestSpy = jest.spyOn(http, 'request');

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);
    const requestCalls = requestSpy.mock.calls.length;
    requestSpy.mockRestore();

    expect(error.name).toBe('ConnectionFailed');
    expect(error.cause).toBeInstanceOf(ConnectionFailedError);
    expect(details.requestSent).toBe(false);
    expect(details.message).toContain('ECONNREFUSED');
    expect(details.message).toContain('nothing reached the server');
    expect(requestCalls).toBe(1);
  });

  it('maps 529 x-should-retry false to RetryRefused', async () => {
    env.emulator.addFault({ route: 'createMessageBatch', status: 529, shouldRetry: false });

    const { error, details } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(error.name).toBe(RETRY_REFUSED_ERROR_NAME);
    expect(error.cause).toBeInstanceOf(OverloadedError);
    expect(details.status).toBe(529);
    expect(details.shouldRetry).toBe(false);
    expect(details.message).toContain('x-should-retry: false');
    expect(requestsTo('createMessageBatch')).toEqual([529]);
    expect(requestsTo('listMessageBatches')).toEqual([]);
  });

  it('maps 500 x-should-retry false to SubmitOutcomeUnknown', async () => {
    env.emulator.addFault({
      route: 'createMessageBatch',
      status: 500,
      shouldRetry: false,
      applyChange: true,
    });

    const { error } = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(error.name).toBe('SubmitOutcomeUnknown');
    expect(candidateIds(error)).toHaveLength(1);
  });
});
