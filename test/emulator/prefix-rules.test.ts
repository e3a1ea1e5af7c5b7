import type { Emulator, FaultRule, ManualClock, TimingRule } from '../../emulator';
import {
  asBatch,
  batchPath,
  batchRequests,
  callApi,
  createBatch,
  startTestEmulator,
} from './helpers';

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator({
    batchDurationMs: 60_000,
    cancelDelayMs: 3_000,
    maxBodyBytes: 2_048,
  }));
});

afterEach(() => emulator.close());

function postCreate(customIds: string[]) {
  return callApi(emulator, 'POST', '/v1/messages/batches', {
    body: { requests: batchRequests(customIds) },
  });
}

async function retrieveStatus(batchId: string): Promise<number> {
  return (await callApi(emulator, 'GET', batchPath(batchId))).status;
}

describe('fault rules with customIdPrefix', () => {
  it('fail only the creates whose first custom_id has the prefix', async () => {
    emulator.addFault({ route: 'createMessageBatch', customIdPrefix: 'alpha-', status: 529 });

    const other = await postCreate(['beta-1', 'alpha-2']);
    const target = await postCreate(['alpha-1', 'beta-2']);

    expect(other.status).toBe(200);
    expect(target.status).toBe(529);
    expect(emulator.ledger().map((entry) => entry.customIds[0])).toEqual(['beta-1']);
  });

  it('fail only the requests on batches whose first custom_id has the prefix', async () => {
    const target = await createBatch(emulator, ['alpha-1']);
    const other = await createBatch(emulator, ['beta-1']);
    emulator.addFault({ route: 'retrieveMessageBatch', customIdPrefix: 'alpha-', status: 500 });

    expect(await retrieveStatus(other.id)).toBe(200);
    expect(await retrieveStatus(target.id)).toBe(500);
  });

  it('still match a batch after it is deleted', async () => {
    const { id } = await createBatch(emulator, ['alpha-1']);
    clock.advance(60_000);
    await callApi(emulator, 'DELETE', batchPath(id));
    emulator.addFault({ route: 'retrieveMessageBatch', customIdPrefix: 'alpha-', status: 503 });

    expect(await retrieveStatus(id)).toBe(503);
  });

  it('count attempts among the matching requests only', async () => {
    const target = await createBatch(emulator, ['alpha-1']);
    const other = await createBatch(emulator, ['beta-1']);
    emulator.addFault({
      route: 'retrieveMessageBatch',
      customIdPrefix: 'alpha-',
      status: 500,
      attempts: [2],
    });

    const statuses = [];
    for (const id of [other.id, target.id, other.id, other.id, target.id, target.id]) {
      statuses.push(await retrieveStatus(id));
    }

    expect(statuses).toEqual([200, 200, 200, 200, 500, 200]);
  });

  it('fire on their own attempts when clients interleave', async () => {
    emulator.addFault({
      route: 'createMessageBatch',
      customIdPrefix: 'alpha-',
      status: 529,
      attempts: [1],
    });
    emulator.addFault({
      route: 'createMessageBatch',
      customIdPrefix: 'beta-',
      status: 529,
      attempts: [1],
    });

    const responses = await Promise.all([
      postCreate(['alpha-1']),
      postCreate(['beta-1']),
      postCreate(['gamma-1']),
    ]);
    const retries = await Promise.all([postCreate(['alpha-1']), postCreate(['beta-1'])]);

    expect(responses.map((response) => response.status)).toEqual([529, 529, 200]);
    expect(retries.map((response) => response.status)).toEqual([200, 200]);
  });

  it('skip a create body that is not JSON', async () => {
    emulator.addFault({ route: 'createMessageBatch', customIdPrefix: 'alpha-', status: 529 });

    const response = await callApi(emulator, 'POST', '/v1/messages/batches', { body: '{alpha-' });

    expect(response.status).toBe(400);
  });

  it('skip a create body over maxBodyBytes, which still gets 413', async () => {
    emulator.addFault({ route: 'createMessageBatch', customIdPrefix: 'alpha-', status: 529 });
    const customIds = Array.from({ length: 40 }, (_, index) => `alpha-${index}`);

    const response = await postCreate(customIds);

    expect(response.status).toBe(413);
  });

  it('read the create body before a reset, which still creates nothing', async () => {
    emulator.addFault({ route: 'createMessageBatch', customIdPrefix: 'alpha-', reset: 'before' });

    await expect(postCreate(['alpha-1'])).rejects.toThrow();

    expect(emulator.ledger()).toEqual([]);
    expect(emulator.requests().map((record) => record.status)).toEqual(['reset']);
  });

  it('create the batch once with reset after', async () => {
    emulator.addFault({ route: 'createMessageBatch', customIdPrefix: 'alpha-', reset: 'after' });

    await expect(postCreate(['alpha-1'])).rejects.toThrow();

    expect(emulator.ledger().map((entry) => entry.customIds)).toEqual([['alpha-1']]);
  });
});

describe('fault rule counting', () => {
  it('counts attempts from when the rule is added', async () => {
    await callApi(emulator, 'GET', '/v1/messages/batches');
    await callApi(emulator, 'GET', '/v1/messages/batches');
    emulator.addFault({ route: 'listMessageBatches', status: 500, attempts: [1] });

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(response.status).toBe(500);
  });

  it('counts a request in every matching rule, also when an earlier rule fires', async () => {
    emulator.addFault({ route: 'listMessageBatches', status: 529, attempts: [1] });
    emulator.addFault({ route: 'listMessageBatches', status: 500, attempts: [2] });

    const first = await callApi(emulator, 'GET', '/v1/messages/batches');
    const second = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect(first.status).toBe(529);
    expect(second.status).toBe(500);
  });

  it('counts attempts per batchId', async () => {
    const target = await createBatch(emulator);
    const other = await createBatch(emulator);
    emulator.addFault({
      route: 'retrieveMessageBatch',
      batchId: target.id,
      status: 500,
      attempts: [1],
    });

    const otherStatus = await retrieveStatus(other.id);
    const targetStatus = await retrieveStatus(target.id);

    expect(otherStatus).toBe(200);
    expect(targetStatus).toBe(500);
  });
});

describe('timing rules', () => {
  it('give matching batches their own cancel delay', async () => {
    emulator.addTimingRule({ customIdPrefix: 'slow-', cancelDelayMs: 60 * 60 * 1000 });
    const slow = await createBatch(emulator, ['slow-1']);
    const usual = await createBatch(emulator, ['usual-1']);
    for (const id of [slow.id, usual.id]) {
      await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    }
    clock.advance(3_000);

    const slowBatch = asBatch(await callApi(emulator, 'GET', batchPath(slow.id)));
    const usualBatch = asBatch(await callApi(emulator, 'GET', batchPath(usual.id)));

    expect(slowBatch.processing_status).toBe('canceling');
    expect(usualBatch.processing_status).toBe('ended');
  });

  it('end a batch at created_at with batchDurationMs 0', async () => {
    emulator.addTimingRule({ customIdPrefix: 'done-', batchDurationMs: 0 });

    const batch = await createBatch(emulator, ['done-1']);
    const cancel = await callApi(emulator, 'POST', batchPath(batch.id, '/cancel'));

    expect(batch.processing_status).toBe('ended');
    expect(cancel.status).toBe(400);
  });

  it('let the first rule added win', async () => {
    emulator.addTimingRule({ customIdPrefix: 'a-', batchDurationMs: 1_000 });
    emulator.addTimingRule({ customIdPrefix: 'a-b-', batchDurationMs: 0 });

    const batch = await createBatch(emulator, ['a-b-1']);
    clock.advance(999);

    expect(asBatch(await callApi(emulator, 'GET', batchPath(batch.id))).processing_status).toBe(
      'in_progress',
    );
  });

  it('apply to batches created directly', () => {
    emulator.addTimingRule({ customIdPrefix: 'done-', batchDurationMs: 0 });

    const batch = emulator.createBatchDirectly({ requests: batchRequests(['done-1']) });

    expect(batch.processing_status).toBe('ended');
  });

  it('leave batches created before the rule unchanged', async () => {
    const batch = await createBatch(emulator, ['done-1']);
    emulator.addTimingRule({ customIdPrefix: 'done-', batchDurationMs: 0 });

    expect(asBatch(await callApi(emulator, 'GET', batchPath(batch.id))).processing_status).toBe(
      'in_progress',
    );
  });
});

describe('prefix rule validation', () => {
  it.each<{ name: string; rule: FaultRule; message: string }>([
    {
      name: 'an empty customIdPrefix',
      rule: { route: 'retrieveMessageBatch', status: 500, customIdPrefix: '' },
      message: 'customIdPrefix must be a non-empty string',
    },
    {
      name: 'customIdPrefix on list',
      rule: { route: 'listMessageBatches', status: 500, customIdPrefix: 'alpha-' },
      message: 'customIdPrefix never matches listMessageBatches',
    },
  ])('rejects a fault rule with $name', ({ rule, message }) => {
    expect(() => emulator.addFault(rule)).toThrow(message);
  });

  it.each<{ name: string; rule: TimingRule; message: string }>([
    {
      name: 'an empty customIdPrefix',
      rule: { customIdPrefix: '', cancelDelayMs: 1 },
      message: 'customIdPrefix must be a non-empty string',
    },
    {
      name: 'a negative cancelDelayMs',
      rule: { customIdPrefix: 'a-', cancelDelayMs: -1 },
      message: 'cancelDelayMs must be a non-negative number',
    },
    {
      name: 'an infinite batchDurationMs',
      rule: { customIdPrefix: 'a-', batchDurationMs: Infinity },
      message: 'batchDurationMs must be a non-negative number',
    },
    {
      name: 'no duration',
      rule: { customIdPrefix: 'a-' },
      message: 'the rule does nothing',
    },
  ])('rejects a timing rule with $name', ({ rule, message }) => {
    expect(() => emulator.addTimingRule(rule)).toThrow(message);
  });
});
