import type { Emulator, ManualClock, MessageBatchJson } from '../../emulator';
import {
  API_HEADERS,
  START_MS,
  asBatch,
  batchPath,
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

describe('createMessageBatch', () => {
  it('returns an in_progress MessageBatch', async () => {
    const response = await callApi(emulator, 'POST', '/v1/messages/batches', {
      body: { requests: [{ custom_id: 'only', params: {} }] },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual<MessageBatchJson>({
      id: expect.stringMatching(/^msgbatch_[A-Za-z0-9]{24}$/) as string,
      type: 'message_batch',
      processing_status: 'in_progress',
      request_counts: { processing: 1, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      created_at: '2026-12-01T12:00:00.000Z',
      expires_at: '2026-12-02T12:00:00.000Z',
      ended_at: null,
      cancel_initiated_at: null,
      archived_at: null,
      results_url: null,
    });
  });

  it('sends the request-id header', async () => {
    const response = await callApi(emulator, 'POST', '/v1/messages/batches', {
      body: { requests: [{ custom_id: 'only', params: {} }] },
    });

    expect(response.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{24}$/);
  });
});

describe('retrieveMessageBatch', () => {
  it('returns the created batch', async () => {
    const created = await createBatch(emulator);

    const response = await callApi(emulator, 'GET', batchPath(created.id));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(created);
  });
});

describe('listMessageBatches', () => {
  it('returns batches newest first', async () => {
    const older = await createBatch(emulator);
    clock.advance(1_000);
    const newer = await createBatch(emulator);

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      data: [newer, older],
      has_more: false,
      first_id: newer.id,
      last_id: older.id,
    });
  });
});

describe('cancelMessageBatch', () => {
  it('moves an in_progress batch to canceling', async () => {
    const created = await createBatch(emulator);
    clock.advance(5_000);

    const response = await callApi(emulator, 'POST', batchPath(created.id, '/cancel'));

    expect(response.status).toBe(200);
    expect(asBatch(response).processing_status).toBe('canceling');
    expect(asBatch(response).cancel_initiated_at).toBe(new Date(START_MS + 5_000).toISOString());
  });
});

describe('deleteMessageBatch', () => {
  it('deletes an ended batch', async () => {
    const created = await createBatch(emulator);
    clock.advance(60_000);

    const response = await callApi(emulator, 'DELETE', batchPath(created.id));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: created.id, type: 'message_batch_deleted' });
  });
});

describe('results', () => {
  it('serves JSON Lines at the absolute results_url', async () => {
    const created = await createBatch(emulator, ['a', 'b']);
    clock.advance(60_000);
    const ended = asBatch(await callApi(emulator, 'GET', batchPath(created.id)));

    const response = await fetch(ended.results_url ?? 'missing', { headers: API_HEADERS });
    const lines = (await response.text()).trimEnd().split('\n');

    expect(ended.results_url).toBe(`${emulator.url}/v1/messages/batches/${created.id}/results`);
    expect(response.status).toBe(200);
    expect(lines).toHaveLength(2);
  });
});

describe('routing', () => {
  it('returns 404 not_found_error for an unknown path', async () => {
    const response = await callApi(emulator, 'GET', '/v1/messages');

    expect(response.status).toBe(404);
    expect(errorTypeOf(response)).toBe('not_found_error');
  });

  it('returns 405 with allow for a wrong method', async () => {
    const response = await callApi(emulator, 'PUT', '/v1/messages/batches');

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(errorTypeOf(response)).toBe('invalid_request_error');
  });

  it('listens on 127.0.0.1 only', () => {
    expect(new URL(emulator.url).hostname).toBe('127.0.0.1');
  });
});
