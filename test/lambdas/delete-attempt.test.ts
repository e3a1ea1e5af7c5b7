import { ManualClock } from '../../emulator';
import { handler as deleteHandler } from '../../lambdas/delete-message-batch';
import { NotFoundError } from '../../lambdas/shared/errors';
import { invokeExpectingError, TEST_REQUESTS, useHandlerTestEnv } from './lambda-test-env';

const VERSION = '2023-06-01';
const DAY_MS = 24 * 60 * 60 * 1000;

const clock = new ManualClock();
const env = useHandlerTestEnv({ clock });

function createEndedBatchId(): string {
  const batch = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });
  clock.advance(DAY_MS);
  return batch.id;
}

function deleteStatuses(batchId: string): Array<number | 'reset'> {
  return env.emulator
    .requests()
    .filter((record) => record.route === 'deleteMessageBatch' && record.batchId === batchId)
    .map((record) => record.status);
}

describe('deleteMessageBatch attempt', () => {
  it('treats 404 on attempt 2 as deleted', async () => {
    const batchId = createEndedBatchId();
    env.emulator.addFault({ route: 'deleteMessageBatch', batchId, reset: 'after', times: 1 });

    const first = await invokeExpectingError(deleteHandler, {
      batchId,
      anthropicVersion: VERSION,
      attempt: 1,
    });
    const result = await deleteHandler({ batchId, anthropicVersion: VERSION, attempt: 2 });

    expect(first.error.name).toBe('NetworkError');
    expect(result).toEqual({ batchId, deletedId: batchId });
    expect(deleteStatuses(batchId)).toEqual(['reset', 404]);
    expect(env.emulator.ledger().find((entry) => entry.id === batchId)?.deleted).toBe(true);
  });

  it('logs the 404 on a later attempt', async () => {
    const batchId = createEndedBatchId();
    await deleteHandler({ batchId, anthropicVersion: VERSION });

    await deleteHandler({ batchId, anthropicVersion: VERSION, attempt: 3 });

    const line = env.capture.entries().find((entry) => entry.attempt === 3);
    expect(line).toMatchObject({
      level: 'INFO',
      operation: 'deleteMessageBatch',
      batchId,
      requestId: expect.stringMatching(/^req_/),
    });
    expect(line?.message).toContain('treating the batch as deleted');
  });

  it('deletes on a later attempt', async () => {
    const batchId = createEndedBatchId();

    const result = await deleteHandler({ batchId, anthropicVersion: VERSION, attempt: 2 });

    expect(result).toEqual({ batchId, deletedId: batchId });
    expect(deleteStatuses(batchId)).toEqual([200]);
  });

  it.each([
    { name: 'attempt 1', attempt: 1 },
    { name: 'no attempt', attempt: undefined },
  ])('maps 404 on $name to BatchNotFound', async ({ attempt }) => {
    const batchId = createEndedBatchId();
    await deleteHandler({ batchId, anthropicVersion: VERSION });

    const { error, details } = await invokeExpectingError(deleteHandler, {
      batchId,
      anthropicVersion: VERSION,
      attempt,
    });

    expect(error.name).toBe('BatchNotFound');
    expect(error.cause).toBeInstanceOf(NotFoundError);
    expect(details.status).toBe(404);
    expect(details.batchId).toBe(batchId);
    expect(deleteStatuses(batchId)).toEqual([200, 404]);
  });

  it.each([
    { name: 'zero', attempt: 0, value: '0' },
    { name: 'a negative number', attempt: -1, value: '-1' },
    { name: 'a fraction', attempt: 1.5, value: '1.5' },
    { name: 'a string', attempt: '2', value: '"2"' },
    { name: 'null', attempt: null, value: 'null' },
  ])('rejects $name as attempt', async ({ attempt, value }) => {
    const requestsBefore = env.emulator.requests().length;

    const { error, details } = await invokeExpectingError(deleteHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: VERSION,
      attempt,
    });

    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe('attempt');
    expect(details.value).toBe(value);
    expect(details.message).toMatch(/^Invalid deleteMessageBatch event: attempt is /);
    expect(env.emulator.requests()).toHaveLength(requestsBefore);
  });
});
