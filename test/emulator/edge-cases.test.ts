import type { Emulator, ManualClock } from '../../emulator';
import {
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
  ({ emulator, clock } = await startTestEmulator({
    batchDurationMs: 60_000,
    cancelDelayMs: 3_000,
  }));
});

afterEach(() => emulator.close());

/** Creates a batch and brings it to `status` with the clock. */
async function batchIn(status: 'in_progress' | 'canceling' | 'ended'): Promise<string> {
  const { id } = await createBatch(emulator);
  if (status === 'canceling') {
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
  }
  if (status === 'ended') {
    clock.advance(60_000);
  }
  return id;
}

const ERROR_TYPES = { 400: 'invalid_request_error', 409: 'conflict_error' } as const;

describe('delete before the batch has ended', () => {
  it.each([
    { status: 'in_progress', deleteNotEnded: 400 },
    { status: 'canceling', deleteNotEnded: 400 },
    { status: 'in_progress', deleteNotEnded: 409 },
    { status: 'canceling', deleteNotEnded: 409 },
  ] as const)('returns $deleteNotEnded while $status', async ({ status, deleteNotEnded }) => {
    emulator.setEdgeCases({ deleteNotEnded });
    const id = await batchIn(status);

    const response = await callApi(emulator, 'DELETE', batchPath(id));

    expect(response.status).toBe(deleteNotEnded);
    expect(errorTypeOf(response)).toBe(ERROR_TYPES[deleteNotEnded]);
    expect(emulator.ledger()[0]?.deleted).toBe(false);
  });

  it('names the batch and its processing_status in the message', async () => {
    const id = await batchIn('in_progress');

    const response = await callApi(emulator, 'DELETE', batchPath(id));

    expect(response.text).toContain(
      `${id} cannot be deleted while its processing_status is in_progress`,
    );
  });
});

describe('cancel on an ended batch', () => {
  it.each([{ cancelOnEnded: 400 }, { cancelOnEnded: 409 }] as const)(
    'returns $cancelOnEnded when configured',
    async ({ cancelOnEnded }) => {
      emulator.setEdgeCases({ cancelOnEnded });
      const id = await batchIn('ended');

      const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

      expect(response.status).toBe(cancelOnEnded);
      expect(errorTypeOf(response)).toBe(ERROR_TYPES[cancelOnEnded]);
    },
  );

  it('returns 400 by default', async () => {
    const id = await batchIn('ended');

    const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

    expect(response.status).toBe(400);
  });
});

describe('cancel on a canceling batch', () => {
  it('returns 200 with the batch unchanged by default', async () => {
    const id = await batchIn('canceling');
    clock.advance(1_000);

    const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

    expect(response.status).toBe(200);
    expect(asBatch(response).processing_status).toBe('canceling');
    expect(asBatch(response).cancel_initiated_at).toBe(new Date(START_MS).toISOString());
  });

  it.each([{ cancelOnCanceling: 400 }, { cancelOnCanceling: 409 }] as const)(
    'returns $cancelOnCanceling when configured',
    async ({ cancelOnCanceling }) => {
      emulator.setEdgeCases({ cancelOnCanceling });
      const id = await batchIn('canceling');

      const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

      expect(response.status).toBe(cancelOnCanceling);
      expect(errorTypeOf(response)).toBe(ERROR_TYPES[cancelOnCanceling]);
    },
  );
});

describe('deleted batch', () => {
  it.each([
    { route: 'retrieve', method: 'GET', suffix: '' },
    { route: 'cancel', method: 'POST', suffix: '/cancel' },
    { route: 'delete', method: 'DELETE', suffix: '' },
    { route: 'results', method: 'GET', suffix: '/results' },
  ])('returns 404 on $route', async ({ method, suffix }) => {
    const id = await batchIn('ended');
    await callApi(emulator, 'DELETE', batchPath(id));

    const response = await callApi(emulator, method, batchPath(id, suffix));

    expect(response.status).toBe(404);
    expect(errorTypeOf(response)).toBe('not_found_error');
  });

  it('is gone from the list', async () => {
    const id = await batchIn('ended');
    await callApi(emulator, 'DELETE', batchPath(id));

    const response = await callApi(emulator, 'GET', '/v1/messages/batches');

    expect((response.body as { data: unknown[] }).data).toEqual([]);
  });
});

describe('unknown batch id', () => {
  it('returns 404 not_found_error naming the id', async () => {
    const response = await callApi(emulator, 'GET', batchPath('msgbatch_never'));

    expect(response.status).toBe(404);
    expect(response.text).toContain('msgbatch_never');
  });
});

describe('transient 404 after create', () => {
  beforeEach(() => emulator.setEdgeCases({ notFoundAfterCreateMs: 2_000 }));

  it.each([{ elapsedMs: 0 }, { elapsedMs: 1_999 }])(
    'returns 404 to retrieve $elapsedMs ms after create',
    async ({ elapsedMs }) => {
      const { id } = await createBatch(emulator);
      clock.advance(elapsedMs);

      const response = await callApi(emulator, 'GET', batchPath(id));

      expect(response.status).toBe(404);
      expect(errorTypeOf(response)).toBe('not_found_error');
    },
  );

  it('returns the batch once the window has passed', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(2_000);

    const response = await callApi(emulator, 'GET', batchPath(id));

    expect(response.status).toBe(200);
  });

  it('leaves cancel unaffected', async () => {
    const { id } = await createBatch(emulator);

    const response = await callApi(emulator, 'POST', batchPath(id, '/cancel'));

    expect(response.status).toBe(200);
  });
});
