import type { Emulator, ManualClock, MessageBatchJson } from '../../emulator';
import { START_MS, asBatch, batchPath, callApi, createBatch, startTestEmulator } from './helpers';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator({
    batchDurationMs: 60_000,
    cancelDelayMs: 3_000,
  }));
});

afterEach(() => emulator.close());

async function retrieve(batchId: string): Promise<MessageBatchJson> {
  return asBatch(await callApi(emulator, 'GET', batchPath(batchId)));
}

function at(offsetMs: number): string {
  return new Date(START_MS + offsetMs).toISOString();
}

describe('natural end', () => {
  it('stays in_progress until batchDurationMs has passed', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(59_999);

    const batch = await retrieve(id);

    expect(batch.processing_status).toBe('in_progress');
    expect(batch.request_counts.processing).toBe(2);
    expect(batch.ended_at).toBeNull();
  });

  it('ends with every request succeeded at batchDurationMs', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(60_000);

    const batch = await retrieve(id);

    expect(batch.processing_status).toBe('ended');
    expect(batch.request_counts).toEqual({
      processing: 0,
      succeeded: 2,
      errored: 0,
      canceled: 0,
      expired: 0,
    });
    expect(batch.ended_at).toBe(at(60_000));
    expect(batch.results_url).toMatch(/\/results$/);
  });
});

describe('cancellation', () => {
  it('keeps every request processing while canceling', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(1_000);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(2_999);

    const batch = await retrieve(id);

    expect(batch.processing_status).toBe('canceling');
    expect(batch.request_counts.processing).toBe(2);
    expect(batch.cancel_initiated_at).toBe(at(1_000));
    expect(batch.results_url).toBeNull();
  });

  it('ends with every request canceled after cancelDelayMs', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(1_000);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(3_000);

    const batch = await retrieve(id);

    expect(batch.processing_status).toBe('ended');
    expect(batch.request_counts).toEqual({
      processing: 0,
      succeeded: 0,
      errored: 0,
      canceled: 2,
      expired: 0,
    });
    expect(batch.ended_at).toBe(at(4_000));
    expect(batch.cancel_initiated_at).toBe(at(1_000));
  });

  it('stays canceling past batchDurationMs', async () => {
    await emulator.close();
    ({ emulator, clock } = await startTestEmulator({
      batchDurationMs: 1_000,
      cancelDelayMs: 5_000,
    }));
    const { id } = await createBatch(emulator);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(4_999);

    expect((await retrieve(id)).processing_status).toBe('canceling');
  });
});

describe('expiry', () => {
  beforeEach(async () => {
    await emulator.close();
    ({ emulator, clock } = await startTestEmulator({
      batchDurationMs: 2 * DAY_MS,
      cancelDelayMs: 3_000,
    }));
  });

  it('is in_progress just before 24 h', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(DAY_MS - 1);

    expect((await retrieve(id)).processing_status).toBe('in_progress');
  });

  it('ends with every request expired at 24 h', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(DAY_MS);

    const batch = await retrieve(id);

    expect(batch.processing_status).toBe('ended');
    expect(batch.request_counts).toEqual({
      processing: 0,
      succeeded: 0,
      errored: 0,
      canceled: 0,
      expired: 2,
    });
    expect(batch.ended_at).toBe(batch.expires_at);
  });

  it('expires a batch still canceling at 24 h', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(DAY_MS - 1_000);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(3_000);

    const batch = await retrieve(id);

    expect(batch.request_counts.expired).toBe(2);
    expect(batch.ended_at).toBe(at(DAY_MS));
  });
});

describe('archive', () => {
  it('sets archived_at 29 days after created_at', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(29 * DAY_MS);

    expect((await retrieve(id)).archived_at).toBe(at(29 * DAY_MS));
  });

  it('leaves archived_at null the moment before', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(29 * DAY_MS - 1);

    expect((await retrieve(id)).archived_at).toBeNull();
  });
});

describe('timestamps', () => {
  it('are RFC 3339 in UTC', async () => {
    const { id } = await createBatch(emulator);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(3_000);

    const batch = await retrieve(id);
    const timestamps = [
      batch.created_at,
      batch.expires_at,
      batch.ended_at,
      batch.cancel_initiated_at,
    ];

    for (const timestamp of timestamps) {
      expect(timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });
});
