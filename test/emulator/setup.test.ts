import {
  DEFAULT_EMULATOR_API_KEY,
  EmulatorInputError,
  ManualClock,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type FaultRule,
} from '../../emulator';
import { START_MS, batchRequests, startTestEmulator } from './helpers';

describe('startEmulator options', () => {
  it.each<{ name: string; options: EmulatorOptions; message: string }>([
    {
      name: 'negative port',
      options: { port: -1 },
      message: 'port must be an integer from 0 to 65535',
    },
    {
      name: 'empty apiKeys',
      options: { apiKeys: [] },
      message: 'apiKeys must contain at least one key',
    },
    {
      name: 'empty key',
      options: { apiKeys: [''] },
      message: 'apiKeys must contain only non-empty strings',
    },
    {
      name: 'negative batchDurationMs',
      options: { batchDurationMs: -1 },
      message: 'batchDurationMs must be',
    },
    {
      name: 'NaN cancelDelayMs',
      options: { cancelDelayMs: Number.NaN },
      message: 'cancelDelayMs must be',
    },
    {
      name: 'zero maxBodyBytes',
      options: { maxBodyBytes: 0 },
      message: 'maxBodyBytes must be a positive integer',
    },
    {
      name: 'invalid edge case',
      options: { edgeCases: { cancelOnEnded: 404 as 400 } },
      message: 'edgeCases.cancelOnEnded must be one of 400, 409, got 404',
    },
  ])('rejects $name', async ({ options, message }) => {
    const start = startEmulator(options);

    await expect(start).rejects.toThrow(EmulatorInputError);
    await expect(start).rejects.toThrow(message);
  });

  it('accepts the default key when no apiKeys are given', async () => {
    const emulator = await startEmulator();
    try {
      const response = await fetch(`${emulator.url}/v1/messages/batches`, {
        headers: { 'x-api-key': DEFAULT_EMULATOR_API_KEY, 'anthropic-version': '2023-06-01' },
      });

      expect(response.status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});

describe('emulator methods', () => {
  let emulator: Emulator;

  beforeEach(async () => {
    ({ emulator } = await startTestEmulator());
  });

  afterEach(() => emulator.close());

  it('rejects an unknown edge case in setEdgeCases', () => {
    const patch = { cancelTwice: 200 } as unknown as Parameters<Emulator['setEdgeCases']>[0];

    expect(() => emulator.setEdgeCases(patch)).toThrow(
      'edgeCases.cancelTwice is not a known edge case',
    );
  });

  it('rejects a negative notFoundAfterCreateMs', () => {
    expect(() => emulator.setEdgeCases({ notFoundAfterCreateMs: -5 })).toThrow(EmulatorInputError);
  });

  it.each<{ name: string; rule: FaultRule; message: string }>([
    {
      name: 'an unknown route',
      rule: { route: 'purge' as 'results', status: 500 },
      message: 'route must be one of',
    },
    {
      name: 'attempt 0',
      rule: { route: 'results', status: 500, attempts: [0] },
      message: 'attempts must contain only positive integers',
    },
    {
      name: 'times 0',
      rule: { route: 'results', status: 500, times: 0 },
      message: 'times must be a positive integer',
    },
    {
      name: 'status 200 without rawBody',
      rule: { route: 'results', status: 200 },
      message: 'status must be an integer from 400',
    },
    {
      name: 'status with reset',
      rule: { route: 'results', status: 500, reset: 'before' },
      message: 'use status or reset, not both',
    },
    {
      name: 'rawBody without status',
      rule: { route: 'results', rawBody: 'x' },
      message: 'need status',
    },
    {
      name: 'applyChange without status',
      rule: { route: 'results', applyChange: true, reset: 'after' },
      message: 'need status',
    },
    {
      name: 'contentType without rawBody',
      rule: { route: 'results', status: 500, contentType: 'text/plain' },
      message: 'contentType needs rawBody',
    },
    {
      name: 'a negative delayMs',
      rule: { route: 'results', delayMs: -1 },
      message: 'delayMs must be a non-negative number',
    },
    {
      name: 'an unknown reset',
      rule: { route: 'results', reset: 'during' as 'before' },
      message: "reset must be 'before' or 'after'",
    },
    { name: 'no effect', rule: { route: 'results', times: 1 }, message: 'the rule does nothing' },
  ])('rejects a fault rule with $name', ({ rule, message }) => {
    expect(() => emulator.addFault(rule)).toThrow(message);
  });

  it('copies a fault rule when added', async () => {
    const attempts = [1];
    emulator.addFault({ route: 'listMessageBatches', status: 500, attempts });
    attempts[0] = 2;

    const response = await fetch(`${emulator.url}/v1/messages/batches`, {
      headers: { 'x-api-key': DEFAULT_EMULATOR_API_KEY, 'anthropic-version': '2023-06-01' },
    });

    expect(response.status).toBe(500);
  });

  it('derives the state of a batch created directly in the past', () => {
    const batch = emulator.createBatchDirectly({
      requests: batchRequests(['a']),
      createdAtMs: START_MS - 60_000,
    });

    expect(batch.created_at).toBe(new Date(START_MS - 60_000).toISOString());
    expect(batch.processing_status).toBe('ended');
  });

  it('rejects an invalid custom_id in createBatchDirectly', () => {
    const create = () =>
      emulator.createBatchDirectly({ requests: [{ custom_id: 'a b', params: {} }] });

    expect(create).toThrow(EmulatorInputError);
    expect(create).toThrow('requests.0.custom_id');
  });

  it('exposes the clock it was given', () => {
    expect(emulator.clock.now()).toBe(START_MS);
  });

  it('closes twice without error', async () => {
    await emulator.close();

    await expect(emulator.close()).resolves.toBeUndefined();
  });
});

describe('ManualClock', () => {
  it('moves forward with advance', () => {
    const clock = new ManualClock(1_000);

    clock.advance(500);

    expect(clock.now()).toBe(1_500);
  });

  it('jumps with set', () => {
    const clock = new ManualClock(1_000);

    clock.set(10);

    expect(clock.now()).toBe(10);
  });

  it('rejects a negative advance', () => {
    expect(() => new ManualClock(0).advance(-1)).toThrow(RangeError);
  });

  it('starts at the system time by default', () => {
    const before = Date.now();

    const now = new ManualClock().now();

    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
