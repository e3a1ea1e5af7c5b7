import type { Emulator, ManualClock, MessageBatchJson } from '../../emulator';
import {
  START_MS,
  batchPath,
  batchRequests,
  callApi,
  errorMessageOf,
  errorTypeOf,
  startTestEmulator,
} from './helpers';

interface Page {
  data: MessageBatchJson[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator());
});

afterEach(() => emulator.close());

/** Seeds `count` batches one second apart and returns their ids, newest first. */
function seed(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const batch = emulator.createBatchDirectly({
      requests: batchRequests([`item-${i}`]),
      createdAtMs: START_MS + i * 1_000,
    });
    ids.unshift(batch.id);
  }
  return ids;
}

async function listPage(query = ''): Promise<Page> {
  const response = await callApi(emulator, 'GET', `/v1/messages/batches${query}`);
  if (response.status !== 200) {
    throw new Error(`list returned ${response.status}: ${response.text}`);
  }
  return response.body as Page;
}

describe('listMessageBatches', () => {
  it('returns 20 batches by default', async () => {
    const ids = seed(25);

    const page = await listPage();

    expect(page.data.map((batch) => batch.id)).toEqual(ids.slice(0, 20));
    expect(page.has_more).toBe(true);
  });

  it('returns an empty page with null cursors', async () => {
    expect(await listPage()).toEqual({ data: [], has_more: false, first_id: null, last_id: null });
  });

  it('pages through every batch with after_id', async () => {
    const ids = seed(5);

    const first = await listPage('?limit=2');
    const second = await listPage(`?limit=2&after_id=${first.last_id}`);
    const third = await listPage(`?limit=2&after_id=${second.last_id}`);

    expect([first, second, third].map((page) => page.data.map((batch) => batch.id))).toEqual([
      ids.slice(0, 2),
      ids.slice(2, 4),
      ids.slice(4),
    ]);
    expect([first.has_more, second.has_more, third.has_more]).toEqual([true, true, false]);
  });

  it('returns the batches just newer than before_id', async () => {
    const ids = seed(5);

    const page = await listPage(`?limit=2&before_id=${ids[3]}`);

    expect(page.data.map((batch) => batch.id)).toEqual([ids[1], ids[2]]);
    expect(page.has_more).toBe(true);
    expect(page.first_id).toBe(ids[1]);
    expect(page.last_id).toBe(ids[2]);
  });

  it('accepts a deleted batch as after_id', async () => {
    const ids = seed(3);
    clock.advance(2 * 60_000);
    await callApi(emulator, 'DELETE', batchPath(ids[0] ?? ''));

    const page = await listPage(`?after_id=${ids[0]}`);

    expect(page.data.map((batch) => batch.id)).toEqual(ids.slice(1));
  });

  it('leaves out deleted batches', async () => {
    const ids = seed(3);
    clock.advance(2 * 60_000);
    await callApi(emulator, 'DELETE', batchPath(ids[1] ?? ''));

    const page = await listPage();

    expect(page.data.map((batch) => batch.id)).toEqual([ids[0], ids[2]]);
  });

  it('orders batches created at the same time by creation, newest first', async () => {
    const first = emulator.createBatchDirectly({ requests: batchRequests(['a']) });
    const second = emulator.createBatchDirectly({ requests: batchRequests(['a']) });

    const page = await listPage();

    expect(page.data.map((batch) => batch.id)).toEqual([second.id, first.id]);
  });

  it('orders by created_at, not by creation', async () => {
    const newer = emulator.createBatchDirectly({
      requests: batchRequests(['a']),
      createdAtMs: START_MS,
    });
    const older = emulator.createBatchDirectly({
      requests: batchRequests(['a']),
      createdAtMs: START_MS - 1,
    });

    const page = await listPage();

    expect(page.data.map((batch) => batch.id)).toEqual([newer.id, older.id]);
  });

  it.each([{ limit: '1' }, { limit: '1000' }])('accepts limit=$limit', async ({ limit }) => {
    seed(2);

    const page = await listPage(`?limit=${limit}`);

    expect(page.data).toHaveLength(Math.min(Number(limit), 2));
  });

  it.each([{ limit: '0' }, { limit: '1001' }, { limit: 'ten' }, { limit: '1.5' }, { limit: '-1' }])(
    'rejects limit=$limit with 400',
    async ({ limit }) => {
      const response = await callApi(emulator, 'GET', `/v1/messages/batches?limit=${limit}`);

      expect(response.status).toBe(400);
      expect(errorMessageOf(response)).toContain('limit: must be an integer from 1 to 1000');
    },
  );

  it('rejects after_id with before_id', async () => {
    const [id] = seed(1);

    const response = await callApi(
      emulator,
      'GET',
      `/v1/messages/batches?after_id=${id}&before_id=${id}`,
    );

    expect(response.status).toBe(400);
    expect(errorTypeOf(response)).toBe('invalid_request_error');
  });

  it('rejects an after_id never created', async () => {
    const response = await callApi(
      emulator,
      'GET',
      '/v1/messages/batches?after_id=msgbatch_unknown',
    );

    expect(response.status).toBe(400);
    expect(errorMessageOf(response)).toContain('msgbatch_unknown');
  });
});
