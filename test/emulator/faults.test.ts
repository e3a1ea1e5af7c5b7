import type { Emulator, ManualClock } from '../../emulator';
import {
  asBatch,
  batchPath,
  batchRequests,
  callApi,
  createBatch,
  errorTypeOf,
  startTestEmulator,
} from './helpers';

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator({ batchDurationMs: 60_000 }));
});

afterEach(() => emulator.close());

function postCreate(signal?: AbortSignal) {
  return callApi(emulator, 'POST', '/v1/messages/batches', {
    body: { requests: batchRequests(['a']) },
    signal,
  });
}

/** Sends `count` requests one after another and returns their statuses. */
async function statusesOf(
  count: number,
  send: () => Promise<{ status: number }>,
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) {
    statuses.push((await send()).status);
  }
  return statuses;
}

const listBatches = () => callApi(emulator, 'GET', '/v1/messages/batches');

describe('status faults', () => {
  it.each([
    { status: 400, type: 'invalid_request_error' },
    { status: 401, type: 'authentication_error' },
    { status: 402, type: 'billing_error' },
    { status: 403, type: 'permission_error' },
    { status: 404, type: 'not_found_error' },
    { status: 409, type: 'conflict_error' },
    { status: 413, type: 'request_too_large' },
    { status: 429, type: 'rate_limit_error' },
    { status: 500, type: 'api_error' },
    { status: 504, type: 'timeout_error' },
    { status: 529, type: 'overloaded_error' },
  ])('answers $status with error.type $type', async ({ status, type }) => {
    emulator.addFault({ route: 'listMessageBatches', status });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(status);
    expect(errorTypeOf(response)).toBe(type);
    expect((response.body as { request_id: string }).request_id).toBe(
      response.headers.get('request-id'),
    );
  });

  it('sends retry-after, retry-after-ms and x-should-retry', async () => {
    emulator.addFault({
      route: 'listMessageBatches',
      status: 429,
      retryAfterSeconds: 7,
      retryAfterMs: 6_500,
      shouldRetry: true,
    });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('retry-after-ms')).toBe('6500');
    expect(response.headers.get('x-should-retry')).toBe('true');
  });

  it('sends x-should-retry: false', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 500, shouldRetry: false });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.headers.get('x-should-retry')).toBe('false');
  });

  it('sends no retry headers unless asked', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 429 });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('retry-after-ms')).toBeNull();
    expect(response.headers.get('x-should-retry')).toBeNull();
  });

  it('does not apply the change by default', async () => {
    emulator.addFault({ route: 'createMessageBatch', status: 500 });

    await postCreate();

    expect(emulator.ledger()).toEqual([]);
  });
});

describe('rawBody faults', () => {
  it('replaces the body with an HTML page by default', async () => {
    emulator.addFault({
      route: 'listMessageBatches',
      status: 502,
      rawBody: '<html>Bad Gateway</html>',
    });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(502);
    expect(response.text).toBe('<html>Bad Gateway</html>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('uses contentType when given', async () => {
    emulator.addFault({
      route: 'listMessageBatches',
      status: 503,
      rawBody: 'busy',
      contentType: 'text/plain',
    });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.headers.get('content-type')).toBe('text/plain');
  });
});

describe('delay faults', () => {
  it('delays the response by delayMs', async () => {
    emulator.addFault({ route: 'listMessageBatches', delayMs: 150 });
    const startedAt = performance.now();

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('applies the change before waiting', async () => {
    emulator.addFault({ route: 'createMessageBatch', delayMs: 2_000 });

    await expect(postCreate(AbortSignal.timeout(100))).rejects.toThrow();

    expect(emulator.ledger()).toHaveLength(1);
  });

  it('delays a status fault', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529, delayMs: 150 });
    const startedAt = performance.now();

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(529);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(140);
  });

  it('is cut short by close', async () => {
    emulator.addFault({ route: 'listMessageBatches', delayMs: 60_000 });
    const pending = callApi(emulator, 'GET', '/v1/messages/batches');
    await new Promise((resolve) => setTimeout(resolve, 50));

    await emulator.close();

    await expect(pending).rejects.toThrow();
  });
});

describe('reset faults', () => {
  it('creates no batch when reset before', async () => {
    emulator.addFault({ route: 'createMessageBatch', reset: 'before' });

    await expect(postCreate()).rejects.toThrow();

    expect(emulator.ledger()).toEqual([]);
  });

  it('creates the batch when reset after', async () => {
    emulator.addFault({ route: 'createMessageBatch', reset: 'after' });

    await expect(postCreate()).rejects.toThrow();

    expect(emulator.ledger()).toHaveLength(1);
  });

  it('starts cancellation when cancel is reset after', async () => {
    const { id } = await createBatch(emulator);
    emulator.addFault({ route: 'cancelMessageBatch', reset: 'after' });

    await expect(callApi(emulator, 'POST', batchPath(id, '/cancel'))).rejects.toThrow();

    expect(emulator.ledger()[0]?.processingStatus).toBe('canceling');
  });

  it('records the request with status reset', async () => {
    emulator.addFault({ route: 'createMessageBatch', reset: 'before' });

    await expect(postCreate()).rejects.toThrow();

    expect(emulator.requests().map((record) => record.status)).toEqual(['reset']);
  });
});

describe('applyChange faults', () => {
  it('creates the batch and answers with the fault status', async () => {
    emulator.addFault({ route: 'createMessageBatch', status: 500, applyChange: true });

    const response = await postCreate();

    expect(response.status).toBe(500);
    expect(emulator.ledger()).toHaveLength(1);
  });

  it('deletes the batch and answers with the fault status', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(60_000);
    emulator.addFault({ route: 'deleteMessageBatch', status: 504, applyChange: true });

    const response = await callApi(emulator, 'DELETE', batchPath(id));

    expect(response.status).toBe(504);
    expect(emulator.ledger()[0]?.deleted).toBe(true);
  });
});

describe('rule targeting', () => {
  it('fires only on the listed attempts', async () => {
    emulator.addFault({ route: 'createMessageBatch', status: 529, attempts: [2] });

    const statuses = await statusesOf(3, postCreate);

    expect(statuses).toEqual([200, 529, 200]);
  });

  it('stops after times', async () => {
    emulator.addFault({ route: 'createMessageBatch', status: 429, times: 2 });

    const statuses = await statusesOf(3, postCreate);

    expect(statuses).toEqual([429, 429, 200]);
  });

  it('fires on every request without attempts or times', async () => {
    emulator.addFault({ route: 'createMessageBatch', status: 529 });

    const statuses = await statusesOf(3, postCreate);

    expect(statuses).toEqual([529, 529, 529]);
  });

  it('counts attempts per route', async () => {
    const { id } = await createBatch(emulator);
    emulator.addFault({ route: 'retrieveMessageBatch', status: 500, attempts: [2] });

    const statuses = [];
    for (const path of [batchPath(id), '/v1/messages/batches', batchPath(id)]) {
      statuses.push((await callApi(emulator, 'GET', path)).status);
    }

    expect(statuses).toEqual([200, 200, 500]);
  });

  it('fires only for batchId', async () => {
    const target = await createBatch(emulator);
    const other = await createBatch(emulator);
    emulator.addFault({ route: 'retrieveMessageBatch', status: 500, batchId: target.id });

    const otherResponse = await callApi(emulator, 'GET', batchPath(other.id));
    const targetResponse = await callApi(emulator, 'GET', batchPath(target.id));

    expect(otherResponse.status).toBe(200);
    expect(targetResponse.status).toBe(500);
  });

  it('lets the first rule added win', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529 });
    emulator.addFault({ route: 'listMessageBatches', status: 500 });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(529);
  });

  it('falls through to the next rule once the first is used up', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529, times: 1 });
    emulator.addFault({ route: 'listMessageBatches', status: 500 });

    const statuses = await statusesOf(2, listBatches);

    expect(statuses).toEqual([529, 500]);
  });

  it('is removed by clearFaults', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529 });

    emulator.clearFaults();

    expect((await callApi(emulator, 'GET', '/v1/messages/batches')).status).toBe(200);
  });

  it('fires after the header checks', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529, attempts: [1] });

    const unauthenticated = await callApi(emulator, 'GET', '/v1/messages/batches', { headers: {} });
    const first = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(unauthenticated.status).toBe(401);
    expect(first.status).toBe(529);
  });

  it('leaves the batch state to the real operation', async () => {
    const { id } = await createBatch(emulator);
    emulator.addFault({ route: 'cancelMessageBatch', delayMs: 10 });

    const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

    expect(asBatch(response).processing_status).toBe('canceling');
  });
});
