import type { MessageBatchIndividualResponse } from '@anthropic-ai/sdk/resources/messages/batches';

import type { Emulator, ManualClock } from '../../emulator';
import { batchPath, callApi, createBatch, errorTypeOf, startTestEmulator } from './helpers';

let emulator: Emulator;
let clock: ManualClock;

beforeEach(async () => {
  ({ emulator, clock } = await startTestEmulator({
    batchDurationMs: 60_000,
    cancelDelayMs: 3_000,
  }));
});

afterEach(() => emulator.close());

async function readResults(batchId: string): Promise<MessageBatchIndividualResponse[]> {
  const response = await callApi(emulator, 'GET', batchPath(batchId, '/results'));
  if (response.status !== 200) {
    throw new Error(`results returned ${response.status}: ${response.text}`);
  }
  return response.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as MessageBatchIndividualResponse);
}

describe('results', () => {
  it('has one succeeded line per custom_id after a natural end', async () => {
    const { id } = await createBatch(emulator, ['alpha', 'beta']);
    clock.advance(60_000);

    const lines = await readResults(id);

    expect(lines.map((line) => line.custom_id)).toEqual(['alpha', 'beta']);
    expect(lines.map((line) => line.result.type)).toEqual(['succeeded', 'succeeded']);
  });

  it('puts a synthetic message with the request model in succeeded lines', async () => {
    const { id } = await createBatch(emulator, ['alpha']);
    clock.advance(60_000);

    const [line] = await readResults(id);

    expect(line?.result).toMatchObject({
      type: 'succeeded',
      message: {
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6',
        stop_reason: 'end_turn',
      },
    });
  });

  it('has canceled lines after a cancel', async () => {
    const { id } = await createBatch(emulator, ['alpha', 'beta']);
    await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    clock.advance(3_000);

    const lines = await readResults(id);

    expect(lines).toEqual([
      { custom_id: 'alpha', result: { type: 'canceled' } },
      { custom_id: 'beta', result: { type: 'canceled' } },
    ]);
  });

  it('has expired lines after 24 h', async () => {
    await emulator.close();
    ({ emulator, clock } = await startTestEmulator({ batchDurationMs: 48 * 60 * 60 * 1000 }));
    const { id } = await createBatch(emulator, ['alpha']);
    clock.advance(24 * 60 * 60 * 1000);

    expect(await readResults(id)).toEqual([{ custom_id: 'alpha', result: { type: 'expired' } }]);
  });

  it('has one line per request when custom_ids repeat', async () => {
    emulator.setEdgeCases({ duplicateCustomId: 'accept' });
    const { id } = await createBatch(emulator, ['same', 'same']);
    clock.advance(60_000);

    const lines = await readResults(id);

    expect(lines.map((line) => line.custom_id)).toEqual(['same', 'same']);
  });

  it('ends every line with a newline', async () => {
    const { id } = await createBatch(emulator, ['alpha']);
    clock.advance(60_000);

    const response = await callApi(emulator, 'GET', batchPath(id, '/results'));

    expect(response.text.endsWith('}\n')).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/x-jsonl');
  });

  it.each([
    { name: 'in_progress', cancel: false },
    { name: 'canceling', cancel: true },
  ])('returns 400 while $name', async ({ cancel }) => {
    const { id } = await createBatch(emulator);
    if (cancel) {
      await callApi(emulator, 'POST', batchPath(id, '/cancel'));
    }

    const response = await callApi(emulator, 'GET', batchPath(id, '/results'));

    expect(response.status).toBe(400);
    expect(errorTypeOf(response)).toBe('invalid_request_error');
  });

  it('returns 404 once archived', async () => {
    const { id } = await createBatch(emulator);
    clock.advance(29 * 24 * 60 * 60 * 1000);

    const response = await callApi(emulator, 'GET', batchPath(id, '/results'));

    expect(response.status).toBe(404);
  });
});
