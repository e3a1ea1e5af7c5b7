import { ManualClock } from '../../emulator';
import { handler as cancelHandler } from '../../lambdas/cancel-message-batch';
import { handler as createHandler } from '../../lambdas/create-message-batch';
import { handler as deleteHandler } from '../../lambdas/delete-message-batch';
import { handler as retrieveHandler } from '../../lambdas/retrieve-message-batch';
import { setApiKeyProvider } from '../../lambdas/shared/api-key';
import {
  invokeExpectingError,
  TEST_API_KEY,
  TEST_CREATE_EVENT,
  TEST_REQUESTS,
  useHandlerTestEnv,
} from './lambda-test-env';

const SUMMARY_FIELDS = [
  'cancel_initiated_at',
  'created_at',
  'ended_at',
  'expires_at',
  'id',
  'processing_status',
  'request_counts',
];
const CANCEL_DELAY_MS = 5_000;

const clock = new ManualClock();
const env = useHandlerTestEnv({ clock, cancelDelayMs: CANCEL_DELAY_MS });

function createEndedBatchId(): string {
  const batch = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });
  clock.advance(24 * 60 * 60 * 1000);
  return batch.id;
}

describe('createMessageBatch handler', () => {
  it('creates a batch and returns its summary', async () => {
    const result = await createHandler(TEST_CREATE_EVENT);

    expect(result.anthropicVersion).toBe('2023-06-01');
    expect(Object.keys(result.batch).sort()).toEqual(SUMMARY_FIELDS);
    expect(result.batch.processing_status).toBe('in_progress');
    expect(result.batch.request_counts.processing).toBe(1);
    expect(env.emulator.ledger().map((entry) => entry.id)).toContain(result.batch.id);
  });

  it('sends the given anthropic-version', async () => {
    const result = await createHandler({
      executionInput: { requests: TEST_REQUESTS, anthropicVersion: '2026-10-21' },
    });

    const lastRecord = env.emulator.requests().at(-1);
    expect(result.anthropicVersion).toBe('2026-10-21');
    expect(lastRecord?.route).toBe('createMessageBatch');
    expect(lastRecord?.anthropicVersion).toBe('2026-10-21');
  });

  it('rejects invalid input before any call', async () => {
    const keyProvider = jest.fn(() => Promise.resolve(TEST_API_KEY));
    setApiKeyProvider(keyProvider);
    const requestsBefore = env.emulator.requests().length;

    const { error, details } = await invokeExpectingError(createHandler, {
      executionInput: { request: [] },
    });

    setApiKeyProvider(() => Promise.resolve(TEST_API_KEY));
    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe('request');
    expect(details.fix).toBe('did you mean requests?');
    expect(keyProvider).not.toHaveBeenCalled();
    expect(env.emulator.requests()).toHaveLength(requestsBefore);
  });

  it.each([
    { name: 'the bare execution input', event: { requests: TEST_REQUESTS } },
    { name: 'an empty event', event: {} },
    { name: 'null', event: null },
  ])('rejects $name as event', async ({ event }) => {
    const keyProvider = jest.fn(() => Promise.resolve(TEST_API_KEY));
    setApiKeyProvider(keyProvider);
    const requestsBefore = env.emulator.requests().length;

    const { error, details } = await invokeExpectingError(createHandler, event);

    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe('executionInput');
    expect(details.message).toMatch(/^Invalid createMessageBatch event: /);
    expect(details.fix).toContain('$$.Execution.Input');
    expect(keyProvider).not.toHaveBeenCalled();
    expect(env.emulator.requests()).toHaveLength(requestsBefore);
  });
});

describe('cancelMessageBatch handler', () => {
  it('cancels an in_progress batch', async () => {
    const { id } = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });

    const summary = await cancelHandler({ batchId: id, anthropicVersion: '2023-06-01' });

    expect(summary.id).toBe(id);
    expect(summary.processing_status).toBe('canceling');
    expect(summary.cancel_initiated_at).not.toBeNull();
    expect(Object.keys(summary).sort()).toEqual(SUMMARY_FIELDS);
    expect(env.emulator.ledger().find((entry) => entry.id === id)?.canceled).toBe(true);
  });

  it.each([
    { name: 'missing batchId', event: { anthropicVersion: '2023-06-01' }, field: 'batchId' },
    {
      name: 'empty batchId',
      event: { batchId: '', anthropicVersion: '2023-06-01' },
      field: 'batchId',
    },
    {
      name: 'missing anthropicVersion',
      event: { batchId: 'msgbatch_1' },
      field: 'anthropicVersion',
    },
    { name: 'event as a string', event: 'msgbatch_1', field: 'event' },
  ])('rejects $name', async ({ event, field }) => {
    const requestsBefore = env.emulator.requests().length;

    const { error, details } = await invokeExpectingError(cancelHandler, event);

    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe(field);
    expect(details.message).toMatch(/^Invalid cancelMessageBatch event: /);
    expect(env.emulator.requests()).toHaveLength(requestsBefore);
  });
});

describe('retrieveMessageBatch handler', () => {
  it('echoes anthropicVersion and pollCount', async () => {
    const { id } = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });

    const result = await retrieveHandler({
      batchId: id,
      anthropicVersion: '2026-10-21',
      pollCount: 7,
    });

    expect(result.anthropicVersion).toBe('2026-10-21');
    expect(result.pollCount).toBe(7);
    expect(result.batch.id).toBe(id);
    expect(result.batch.processing_status).toBe('in_progress');
  });

  it('reports a canceled batch as ended', async () => {
    const { id } = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });
    await cancelHandler({ batchId: id, anthropicVersion: '2023-06-01' });
    clock.advance(CANCEL_DELAY_MS);

    const result = await retrieveHandler({
      batchId: id,
      anthropicVersion: '2023-06-01',
      pollCount: 1,
    });

    expect(result.batch.processing_status).toBe('ended');
    expect(result.batch.ended_at).not.toBeNull();
    expect(result.batch.request_counts.canceled).toBe(1);
  });

  it('rejects a negative pollCount', async () => {
    const event = { batchId: 'msgbatch_1', anthropicVersion: '2023-06-01', pollCount: -1 };

    const { error, details } = await invokeExpectingError(retrieveHandler, event);

    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe('pollCount');
    expect(details.value).toBe('-1');
  });
});

describe('deleteMessageBatch handler', () => {
  it('deletes an ended batch', async () => {
    const batchId = createEndedBatchId();

    const result = await deleteHandler({ batchId, anthropicVersion: '2023-06-01' });

    expect(result).toEqual({ batchId, deletedId: batchId });
    expect(env.emulator.ledger().find((entry) => entry.id === batchId)?.deleted).toBe(true);
  });
});

describe('handler logging', () => {
  it('logs one info line per API call', async () => {
    const { id } = env.emulator.createBatchDirectly({ requests: TEST_REQUESTS });

    await retrieveHandler({ batchId: id, anthropicVersion: '2023-06-01', pollCount: 0 });

    const apiLines = env.capture.entries().filter((entry) => entry.status !== undefined);
    expect(apiLines).toHaveLength(1);
    expect(apiLines[0]).toMatchObject({
      level: 'INFO',
      operation: 'retrieveMessageBatch',
      batchId: id,
      status: 200,
      processing_status: 'in_progress',
      requestId: expect.stringMatching(/^req_/) as unknown,
      durationMs: expect.any(Number) as unknown,
    });
  });

  it('never logs prompts or the key', async () => {
    await createHandler(TEST_CREATE_EVENT);

    expect(env.capture.text()).toContain('createMessageBatch');
    expect(env.capture.text()).not.toContain(TEST_API_KEY);
    expect(env.capture.text()).not.toContain('PROMPT-TEXT-MARKER');
  });
});
