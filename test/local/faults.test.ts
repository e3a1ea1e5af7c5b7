import { Duration } from 'aws-cdk-lib';
import { type Emulator, type EmulatorOptions, type FaultRule, startEmulator } from '../../emulator';
import { type LocalRunOptions, type LocalRunResult, runLocalExecution } from '../../local/run';

const API_KEY = 'sk-ant-test-faults-key';
const REQUESTS = [
  { custom_id: 'fault-1', params: { model: 'claude-haiku-4-5', max_tokens: 8, messages: [] } },
  { custom_id: 'fault-2', params: { model: 'claude-haiku-4-5', max_tokens: 8, messages: [] } },
];

describe('teardown workflow under faults', () => {
  let emulator: Emulator;

  async function runWith(
    faults: FaultRule[],
    options: EmulatorOptions = {},
    runOptions: Partial<LocalRunOptions> = {},
  ): Promise<LocalRunResult> {
    emulator = await startEmulator({ apiKeys: [API_KEY], cancelDelayMs: 100, ...options });
    faults.forEach((fault) => emulator.addFault(fault));
    return runLocalExecution({
      input: { requests: REQUESTS },
      apiUrl: emulator.url,
      apiKey: API_KEY,
      fast: true,
      logLevel: 'CRITICAL',
      ...runOptions,
    });
  }

  function statuses(route: string): (number | 'reset')[] {
    return emulator
      .requests()
      .filter((r) => r.route === route)
      .map((r) => r.status);
  }

  function expectDeletedOnce(result: LocalRunResult): void {
    expect(result.status).toBe('SUCCEEDED');
    expect(emulator.ledger()).toHaveLength(1);
    const [batch] = emulator.ledger();
    expect(batch?.deleted).toBe(true);
    expect(result.output).toEqual({ batchId: batch?.id, deletedId: batch?.id });
  }

  function expectReportedNotDeleted(result: LocalRunResult): void {
    expect(result.status).toBe('FAILED');
    expect(emulator.ledger()).toHaveLength(1);
    const [batch] = emulator.ledger();
    expect(batch?.deleted).toBe(false);
    expect(result.cause).toContain(batch?.id);
  }

  afterEach(async () => {
    await emulator?.close();
  });

  it.each([
    { route: 'createMessageBatch' as const },
    { route: 'cancelMessageBatch' as const },
    { route: 'retrieveMessageBatch' as const },
    { route: 'deleteMessageBatch' as const },
  ])('rides out 529 overloaded on $route', async ({ route }) => {
    const result = await runWith([{ route, status: 529, attempts: [1, 2] }]);
    expectDeletedOnce(result);
    expect(statuses(route).slice(0, 3)).toEqual([529, 529, 200]);
  });

  it('waits the retry-after seconds before retrying a 429', async () => {
    const result = await runWith(
      [{ route: 'retrieveMessageBatch', status: 429, retryAfterSeconds: 1, attempts: [1] }],
      {},
      { fast: false, teardownProps: { pollInterval: Duration.seconds(1) } },
    );
    expectDeletedOnce(result);
    const retrieves = emulator.requests().filter((r) => r.route === 'retrieveMessageBatch');
    expect(retrieves[0]?.status).toBe(429);
    expect((retrieves[1]?.at ?? 0) - (retrieves[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  }, 30_000);

  it('fails a create rate limited without retry-after as a spend limit', async () => {
    const result = await runWith([{ route: 'createMessageBatch', status: 429 }]);
    expect(result.error).toBe('RateLimited');
    expect(result.cause).toMatch(/spend limit/);
    expect(emulator.ledger()).toHaveLength(0);
    expect(statuses('createMessageBatch')).toHaveLength(3);
  });

  it('names the batch when throttling never stops', async () => {
    const result = await runWith([{ route: 'cancelMessageBatch', status: 529 }]);
    expect(result.error).toBe('Overloaded');
    expect(result.cause).toMatch(/throttled 9 times/);
    expectReportedNotDeleted(result);
  });

  it('retries transient retrieve errors', async () => {
    const result = await runWith([
      { route: 'retrieveMessageBatch', status: 500, attempts: [1] },
      { route: 'retrieveMessageBatch', status: 504, attempts: [2] },
      { route: 'retrieveMessageBatch', reset: 'before', attempts: [3] },
    ]);
    expectDeletedOnce(result);
  });

  it('respects x-should-retry false', async () => {
    const result = await runWith([
      { route: 'retrieveMessageBatch', status: 500, shouldRetry: false, attempts: [1] },
    ]);
    expect(result.error).toBe('RetryRefused');
    expect(result.cause).toContain('x-should-retry: false');
    expectReportedNotDeleted(result);
    expect(statuses('retrieveMessageBatch')).toEqual([500]);
  });

  it.each([
    { name: '500 after the create', fault: { status: 500, applyChange: true } },
    { name: 'reset after the create', fault: { reset: 'after' as const } },
  ])('reports the batch of an ambiguous create: $name', async ({ fault }) => {
    const result = await runWith([{ route: 'createMessageBatch', ...fault }]);
    expect(result.error).toBe('SubmitOutcomeUnknown');
    expectReportedNotDeleted(result);
    expect(statuses('createMessageBatch')).toHaveLength(1);
  });

  it('reports no candidate when an ambiguous create made none', async () => {
    const result = await runWith([{ route: 'createMessageBatch', status: 500 }]);
    expect(result.error).toBe('SubmitOutcomeUnknown');
    expect(result.cause).toMatch(/No batch with that request count/);
    expect(emulator.ledger()).toHaveLength(0);
  });

  it('proceeds to polling when the batch is already canceling', async () => {
    const result = await runWith([
      { route: 'cancelMessageBatch', status: 409, applyChange: true, attempts: [1] },
    ]);
    expectDeletedOnce(result);
    expect(emulator.ledger()[0]?.canceled).toBe(true);
  });

  it('retries a 404 right after the create', async () => {
    const result = await runWith([{ route: 'retrieveMessageBatch', status: 404, attempts: [1] }]);
    expectDeletedOnce(result);
  });

  it('names the batch when it stays not found', async () => {
    const result = await runWith([{ route: 'retrieveMessageBatch', status: 404 }]);
    expect(result.error).toBe('BatchNotFound');
    expectReportedNotDeleted(result);
    expect(statuses('retrieveMessageBatch')).toHaveLength(4);
  });

  it('treats a 404 after a lost delete response as deleted', async () => {
    const result = await runWith([{ route: 'deleteMessageBatch', reset: 'after', attempts: [1] }]);
    expectDeletedOnce(result);
    expect(statuses('deleteMessageBatch')).toEqual(['reset', 404]);
  });

  it('goes back to polling when delete says the batch has not ended', async () => {
    const result = await runWith([{ route: 'deleteMessageBatch', status: 409, attempts: [1] }]);
    expectDeletedOnce(result);
    expect(statuses('deleteMessageBatch')).toEqual([409, 200]);
  });

  it('gives up deleting after repeated server errors and names the batch', async () => {
    const result = await runWith([{ route: 'deleteMessageBatch', status: 500 }]);
    expect(result.error).toBe('ServerError');
    expectReportedNotDeleted(result);
    expect(statuses('deleteMessageBatch')).toHaveLength(6);
  });

  it('explains a 413 with an HTML body from a proxy', async () => {
    const result = await runWith([
      {
        route: 'createMessageBatch',
        status: 413,
        rawBody: '<html><body>413 Request Entity Too Large</body></html>',
      },
    ]);
    expect(result.error).toBe('RequestTooLarge');
    expect(result.cause).toMatch(/413/);
    expect(emulator.ledger()).toHaveLength(0);
  });
});
