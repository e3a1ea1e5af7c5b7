import { type Emulator, type EmulatorOptions, startEmulator } from '../../emulator';
import { type LocalRunOptions, type LocalRunResult, runLocalExecution } from '../../local/run';

const API_KEY = 'sk-ant-test-workflow-key';

function requests(count = 2): { custom_id: string; params: object }[] {
  return Array.from({ length: count }, (_, i) => ({
    custom_id: `req-${i}`,
    params: {
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'hi' }],
    },
  }));
}

describe('teardown workflow on the emulator', () => {
  let emulator: Emulator;

  async function start(options: EmulatorOptions = {}): Promise<Emulator> {
    emulator = await startEmulator({ apiKeys: [API_KEY], cancelDelayMs: 100, ...options });
    return emulator;
  }

  function run(input: unknown, options: Partial<LocalRunOptions> = {}): Promise<LocalRunResult> {
    return runLocalExecution({
      input,
      apiUrl: emulator.url,
      apiKey: API_KEY,
      fast: true,
      ...options,
    });
  }

  function routes(): string[] {
    return emulator.requests().map((r) => r.route);
  }

  afterEach(async () => {
    await emulator?.close();
  });

  it('cancels, waits for and deletes a new batch', async () => {
    await start();
    const result = await run({ requests: requests() });

    expect(result.status).toBe('SUCCEEDED');
    const [batch] = emulator.ledger();
    expect(result.output).toEqual({ batchId: batch?.id, deletedId: batch?.id });
    expect(emulator.ledger()).toHaveLength(1);
    expect(batch).toMatchObject({ canceled: true, deleted: true, processingStatus: 'ended' });
    expect(routes()[0]).toBe('createMessageBatch');
    expect(routes()[1]).toBe('cancelMessageBatch');
    expect(routes().at(-1)).toBe('deleteMessageBatch');
  });

  it('sends the default anthropic-version header', async () => {
    await start();
    await run({ requests: requests() });
    const versions = new Set(emulator.requests().map((r) => r.anthropicVersion));
    expect([...versions]).toEqual(['2023-06-01']);
  });

  it('sends the anthropicVersion from the input', async () => {
    await start();
    await run({ requests: requests(), anthropicVersion: '2026-10-21' });
    const versions = new Set(emulator.requests().map((r) => r.anthropicVersion));
    expect([...versions]).toEqual(['2026-10-21']);
  });

  it.each([{ cancelOnEnded: 400 as const }, { cancelOnEnded: 409 as const }])(
    'deletes a batch that ended before the cancel ($cancelOnEnded)',
    async ({ cancelOnEnded }) => {
      await start({ batchDurationMs: 0, edgeCases: { cancelOnEnded } });
      const result = await run({ requests: requests() });

      expect(result.status).toBe('SUCCEEDED');
      const [batch] = emulator.ledger();
      expect(batch).toMatchObject({ canceled: false, deleted: true });
      const cancel = emulator.requests().find((r) => r.route === 'cancelMessageBatch');
      expect(cancel?.status).toBe(cancelOnEnded);
    },
  );

  it('fails with BatchNotEnded after 241 retrieves and keeps the batch', async () => {
    await start({ cancelDelayMs: 60 * 60 * 1000 });
    const result = await run({ requests: requests() });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('BatchNotEnded');
    const [batch] = emulator.ledger();
    expect(result.cause).toContain(batch?.id);
    expect(result.cause).toContain('canceling');
    expect(batch?.deleted).toBe(false);
    expect(routes().filter((r) => r === 'retrieveMessageBatch')).toHaveLength(241);
    expect(routes()).not.toContain('deleteMessageBatch');
  }, 60_000);

  it('honours a smaller maxPollRetries', async () => {
    await start({ cancelDelayMs: 60 * 60 * 1000 });
    const result = await run({ requests: requests() }, { teardownProps: { maxPollRetries: 3 } });
    expect(result.error).toBe('BatchNotEnded');
    expect(routes().filter((r) => r === 'retrieveMessageBatch')).toHaveLength(4);
  });

  it('names authentication and the request id for a wrong key', async () => {
    await start();
    const result = await run({ requests: requests() }, { apiKey: 'sk-ant-wrong' });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('AuthenticationFailed');
    expect(result.cause).toMatch(/req_\w+/);
    expect(result.cause).not.toContain('sk-ant-wrong');
    expect(emulator.ledger()).toHaveLength(0);
  });

  it('keeps each concurrent execution on its own key', async () => {
    await start();
    const [good, bad] = await Promise.all([
      run({ requests: requests() }),
      run({ requests: requests() }, { apiKey: 'sk-ant-wrong' }),
    ]);
    expect(good.status).toBe('SUCCEEDED');
    expect(bad.error).toBe('AuthenticationFailed');
    expect(emulator.ledger()).toHaveLength(1);
  });

  it('tears down an existing batch given by batchId', async () => {
    await start();
    const existing = emulator.createBatchDirectly({ requests: requests(3) });
    const result = await run({ batchId: existing.id });

    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ batchId: existing.id, deletedId: existing.id });
    expect(emulator.ledger()).toHaveLength(1);
    expect(emulator.ledger()[0]).toMatchObject({ canceled: true, deleted: true });
    expect(routes()).not.toContain('createMessageBatch');
    expect(routes().slice(0, 2)).toEqual(['retrieveMessageBatch', 'cancelMessageBatch']);
  });

  it('deletes an ended batch given by batchId without a cancel', async () => {
    await start({ batchDurationMs: 0 });
    const existing = emulator.createBatchDirectly({ requests: requests(1) });
    const result = await run({ batchId: existing.id });

    expect(result.output).toEqual({ batchId: existing.id, deletedId: existing.id });
    expect(routes()).toEqual(['retrieveMessageBatch', 'deleteMessageBatch']);
  });

  it('fails on an unknown batchId without creating anything', async () => {
    await start();
    const result = await run({ batchId: 'msgbatch_doesNotExist01' });

    expect(result.error).toBe('BatchNotFound');
    expect(result.cause).toContain('msgbatch_doesNotExist01');
    expect(emulator.ledger()).toHaveLength(0);
  });

  it('names the batch when a step fails after the create', async () => {
    await start();
    emulator.addFault({ route: 'cancelMessageBatch', status: 403 });
    const result = await run({ requests: requests() });

    const [batch] = emulator.ledger();
    expect(result.error).toBe('PermissionDenied');
    expect(result.cause).toContain(`Batch ${batch?.id} was not deleted`);
    expect(result.cause).toContain('in_progress');
  });

  it.each([
    { name: 'missing requests', input: {}, field: 'requests' },
    { name: 'empty requests', input: { requests: [] }, field: 'requests' },
    { name: 'requests not an array', input: { requests: 'many' }, field: 'requests' },
    { name: 'input not an object', input: ['a'], field: '' },
    {
      name: 'apiKey in the input',
      input: { requests: requests(), apiKey: 'sk-x' },
      field: 'apiKey',
    },
    { name: 'typo in a field name', input: { request: requests() }, field: 'request' },
    {
      name: 'custom_id too long',
      input: { requests: [{ custom_id: 'x'.repeat(65), params: {} }] },
      field: 'requests[0].custom_id',
    },
    {
      name: 'duplicate custom_id',
      input: { requests: [...requests(1), ...requests(1)] },
      field: 'requests[1].custom_id',
    },
    {
      name: 'params an array',
      input: { requests: [{ custom_id: 'a', params: [] }] },
      field: 'requests[0].params',
    },
    {
      name: 'bad anthropicVersion',
      input: { requests: requests(), anthropicVersion: 'latest' },
      field: 'anthropicVersion',
    },
    { name: 'null input', input: null, field: 'input' },
    {
      name: 'both requests and batchId',
      input: { requests: requests(), batchId: 'msgbatch_abc' },
      field: 'batchId',
    },
    { name: 'malformed batchId', input: { batchId: 'batch-123' }, field: 'batchId' },
    {
      name: 'batchId with apiKey',
      input: { batchId: 'msgbatch_abc', apiKey: 'sk-x' },
      field: 'apiKey',
    },
    { name: 'string input', input: 'requests', field: 'input' },
    { name: 'requests null', input: { requests: null }, field: 'requests' },
    {
      name: 'a __proto__ key',
      input: JSON.parse(
        '{"requests": [{"custom_id": "a", "params": {}}], "__proto__": {"x": 1}}',
      ) as unknown,
      field: '__proto__',
    },
    {
      name: 'custom_id with unicode',
      input: { requests: [{ custom_id: 'héllo', params: {} }] },
      field: 'requests[0].custom_id',
    },
    {
      name: 'empty custom_id',
      input: { requests: [{ custom_id: '', params: {} }] },
      field: 'requests[0].custom_id',
    },
    {
      name: 'custom_id a number',
      input: { requests: [{ custom_id: 7, params: {} }] },
      field: 'requests[0].custom_id',
    },
    {
      name: 'params null',
      input: { requests: [{ custom_id: 'a', params: null }] },
      field: 'requests[0].params',
    },
    {
      name: 'unknown item field',
      input: { requests: [{ custom_id: 'a', params: {}, model: 'x' }] },
      field: 'requests[0].model',
    },
    {
      name: 'anthropicVersion a number',
      input: { requests: requests(), anthropicVersion: 20230601 },
      field: 'anthropicVersion',
    },
  ])('rejects $name before any API call', async ({ input, field }) => {
    await start();
    const result = await run(input);

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toContain(field);
    expect(result.cause).toMatch(/Fix:/i);
    expect(emulator.requests()).toHaveLength(0);
  });

  it('rejects an input over 256 KiB before any API call', async () => {
    await start();
    const big = requests(1).map((r) => ({ ...r, params: { text: 'x'.repeat(300 * 1024) } }));
    const result = await run({ requests: big });

    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toContain('256 KiB');
    expect(emulator.requests()).toHaveLength(0);
  });
});
