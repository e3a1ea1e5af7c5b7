import type { Emulator, ManualClock, RequestRecord } from '../../emulator';
import {
  START_MS,
  batchPath,
  batchRequests,
  callApi,
  createBatch,
  startTestEmulator,
} from './helpers';

const SECRET_KEY = 'sk-ant-records-secret-7f3a';
const WRONG_KEY = 'sk-ant-records-wrong-91c2';
const VERSION = '2026-10-21';
const HEADERS = { 'x-api-key': SECRET_KEY, 'anthropic-version': VERSION };

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator({
    apiKeys: [SECRET_KEY],
    batchDurationMs: 60_000,
  }));
});

afterEach(() => emulator.close());

describe('ledger', () => {
  it('lists every batch with its current state', async () => {
    const first = await createBatch(emulator, ['a', 'b'], HEADERS);
    clock.advance(1_000);
    const second = await createBatch(emulator, ['c'], HEADERS);
    await callApi(emulator, 'POST', batchPath(second.id, '/cancel'), { headers: HEADERS });

    expect(emulator.ledger()).toEqual([
      {
        id: first.id,
        createdAt: new Date(START_MS).toISOString(),
        requestCount: 2,
        customIds: ['a', 'b'],
        processingStatus: 'in_progress',
        canceled: false,
        deleted: false,
        deletedAt: null,
      },
      expect.objectContaining({ id: second.id, processingStatus: 'canceling', canceled: true }),
    ]);
  });

  it('keeps a deleted batch with deleted and deletedAt', async () => {
    const { id } = await createBatch(emulator, undefined, HEADERS);
    clock.advance(60_000);
    await callApi(emulator, 'DELETE', batchPath(id), { headers: HEADERS });

    expect(emulator.ledger()[0]).toMatchObject({
      id,
      processingStatus: 'ended',
      deleted: true,
      deletedAt: new Date(START_MS + 60_000).toISOString(),
    });
  });

  it('includes batches created directly', () => {
    emulator.createBatchDirectly({ requests: batchRequests(['seeded']) });

    expect(emulator.ledger().map((entry) => entry.customIds)).toEqual([['seeded']]);
  });
});

describe('requests', () => {
  it('records route, status, batch id and headers seen', async () => {
    const { id } = await createBatch(emulator, undefined, HEADERS);
    clock.advance(500);
    await callApi(emulator, 'GET', `${batchPath(id)}?extra=1`, { headers: HEADERS });

    expect(emulator.requests()).toEqual<RequestRecord[]>([
      {
        route: 'createMessageBatch',
        method: 'POST',
        path: '/v1/messages/batches',
        status: 200,
        at: START_MS,
        anthropicVersion: VERSION,
        hadApiKey: true,
      },
      {
        route: 'retrieveMessageBatch',
        method: 'GET',
        path: batchPath(id),
        status: 200,
        batchId: id,
        at: START_MS + 500,
        anthropicVersion: VERSION,
        hadApiKey: true,
      },
    ]);
  });

  it('records an unknown route and a missing key', async () => {
    await callApi(emulator, 'GET', '/v1/other', { headers: {} });

    expect(emulator.requests()).toEqual([
      {
        route: 'unknown',
        method: 'GET',
        path: '/v1/other',
        status: 404,
        at: START_MS,
        hadApiKey: false,
      },
    ]);
  });

  it('keeps the order of arrival when responses finish out of order', async () => {
    emulator.addFault({ route: 'listMessageBatches', delayMs: 150 });
    const slow = callApi(emulator, 'GET', '/v1/messages/batches', { headers: HEADERS });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await callApi(emulator, 'GET', batchPath('msgbatch_missing'), { headers: HEADERS });
    await slow;

    expect(emulator.requests().map((record) => record.route)).toEqual([
      'listMessageBatches',
      'retrieveMessageBatch',
    ]);
  });

  it('leaves out batches created directly', () => {
    emulator.createBatchDirectly({ requests: batchRequests(['seeded']) });

    expect(emulator.requests()).toEqual([]);
  });

  it('passes each record to onRequest', async () => {
    const seen: RequestRecord[] = [];
    await emulator.close();
    ({ emulator } = await startTestEmulator({ onRequest: (record) => seen.push(record) }));

    await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(seen).toEqual(emulator.requests());
  });
});

describe('API key secrecy', () => {
  it('never puts a key in records, ledger or responses', async () => {
    const texts: string[] = [];
    const wrong = { ...HEADERS, 'x-api-key': WRONG_KEY };
    const bearer = { 'anthropic-version': VERSION, authorization: `Bearer ${SECRET_KEY}` };
    const responses = [
      await callApi(emulator, 'POST', '/v1/messages/batches', {
        headers: HEADERS,
        body: { requests: batchRequests(['a']) },
      }),
      await callApi(emulator, 'GET', '/v1/messages/batches', { headers: wrong }),
      await callApi(emulator, 'GET', '/v1/messages/batches', { headers: bearer }),
      await callApi(emulator, 'GET', '/v1/messages/batches', {
        headers: { 'x-api-key': SECRET_KEY },
      }),
    ];
    for (const response of responses) {
      texts.push(response.text, JSON.stringify([...response.headers.entries()]));
    }
    texts.push(JSON.stringify(emulator.requests()), JSON.stringify(emulator.ledger()));

    for (const text of texts) {
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(WRONG_KEY);
    }
  });

  it('never puts request params in records or ledger', async () => {
    await createBatch(emulator, ['a'], HEADERS);

    const stored = JSON.stringify([emulator.requests(), emulator.ledger()]);

    expect(stored).not.toContain('max_tokens');
    expect(stored).not.toContain('claude-sonnet-4-6');
  });
});
