import { type Emulator, type MessageBatchJson, startEmulator } from '../../emulator';
import { describeFailure } from '../../lambdas/shared/sweep-summary';
import { type LocalSweepResult, runLocalSweep } from '../../local/sweep';

const API_KEY = 'sk-ant-test-sweep-key';
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Each test runs the sweep and its teardowns in fast mode, and the first also synthesizes. */
const SWEEP_TIMEOUT_MS = 120_000;

function requests(customId: string): { custom_id: string; params: object }[] {
  return [{ custom_id: customId, params: { model: 'claude-haiku-4-5', max_tokens: 16 } }];
}

describe('sweep on the emulator', () => {
  let emulator: Emulator;

  /**
   * Starts the emulator. Batches end 60 s after created_at, except those whose first custom_id
   * starts with "running", which stay in_progress for 12 hours (a batch expires after 24 hours,
   * so an in_progress batch is always less than a day old).
   */
  async function start(): Promise<void> {
    emulator = await startEmulator({ apiKeys: [API_KEY], cancelDelayMs: 50 });
    emulator.addTimingRule({ customIdPrefix: 'running', batchDurationMs: 12 * HOUR_MS });
  }

  function seed(customId: string, ageMs: number): MessageBatchJson {
    return emulator.createBatchDirectly({
      requests: requests(customId),
      createdAtMs: Date.now() - ageMs,
    });
  }

  /** Seeds a batch of each kind around a 1-hour olderThanHours: old and new, ended and running. */
  function seedFourKinds(): Record<
    'oldEnded' | 'newEnded' | 'oldRunning' | 'newRunning',
    MessageBatchJson
  > {
    return {
      oldRunning: seed('running-old', 4 * HOUR_MS),
      oldEnded: seed('ended-old', 3 * HOUR_MS),
      newEnded: seed('ended-new', 10 * 60_000),
      newRunning: seed('running-new', 10 * 60_000),
    };
  }

  function sweep(input: unknown): Promise<LocalSweepResult> {
    return runLocalSweep({
      input,
      apiUrl: emulator.url,
      apiKey: API_KEY,
      fast: true,
      logLevel: 'SILENT',
    });
  }

  function deletedIds(): string[] {
    return emulator
      .ledger()
      .filter((entry) => entry.deleted)
      .map((entry) => entry.id)
      .sort();
  }

  function canceledIds(): string[] {
    return emulator
      .ledger()
      .filter((entry) => entry.canceled)
      .map((entry) => entry.id)
      .sort();
  }

  afterEach(async () => {
    await emulator?.close();
  });

  it(
    'reports the selection of a dry run and changes nothing',
    async () => {
      await start();
      const batches = seedFourKinds();
      const result = await sweep({ dryRun: true, olderThanHours: 1 });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        dryRun: true,
        examined: 4,
        selectedCount: 1,
        selected: [
          {
            batchId: batches.oldEnded.id,
            created_at: batches.oldEnded.created_at,
            processing_status: 'ended',
          },
        ],
        skipped: { tooRecent: 2, statusNotSelected: 1, overMaxBatches: 0 },
        listComplete: true,
      });
      expect(deletedIds()).toEqual([]);
      expect(canceledIds()).toEqual([]);
      expect(new Set(emulator.requests().map((r) => r.route))).toEqual(
        new Set(['listMessageBatches']),
      );
      expect(result.teardowns).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'deletes only old ended batches by default status',
    async () => {
      await start();
      const batches = seedFourKinds();
      const result = await sweep({ olderThanHours: 1 });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        dryRun: false,
        examined: 4,
        selectedCount: 1,
        deletedCount: 1,
        failedCount: 0,
        deleted: [batches.oldEnded.id],
        failed: [],
        skipped: { tooRecent: 2, statusNotSelected: 1, overMaxBatches: 0 },
      });
      expect(deletedIds()).toEqual([batches.oldEnded.id]);
      expect(canceledIds()).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'cancels and deletes old running batches when selected',
    async () => {
      await start();
      const batches = seedFourKinds();
      const result = await sweep({ olderThanHours: 1, processingStatus: ['ended', 'in_progress'] });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        selectedCount: 2,
        deletedCount: 2,
        deleted: [batches.oldRunning.id, batches.oldEnded.id],
        skipped: { tooRecent: 2, statusNotSelected: 0, overMaxBatches: 0 },
      });
      expect(deletedIds()).toEqual([batches.oldEnded.id, batches.oldRunning.id].sort());
      expect(canceledIds()).toEqual([batches.oldRunning.id]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'selects only batches older than 29 days by default',
    async () => {
      await start();
      const expired = seed('ended-30-days', 30 * DAY_MS);
      seed('ended-28-days', 28 * DAY_MS);
      seedFourKinds();
      const result = await sweep({});

      expect(result.output).toMatchObject({
        criteria: { olderThanHours: 696, processingStatus: ['ended'], maxBatches: 50 },
        examined: 6,
        deleted: [expired.id],
        skipped: { tooRecent: 5, statusNotSelected: 0, overMaxBatches: 0 },
      });
      expect(deletedIds()).toEqual([expired.id]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'honours maxBatches, oldest first',
    async () => {
      await start();
      const newest = seed('ended-3h', 3 * HOUR_MS);
      const middle = seed('ended-4h', 4 * HOUR_MS);
      const oldest = seed('ended-5h', 5 * HOUR_MS);
      const result = await sweep({ olderThanHours: 1, maxBatches: 2 });

      expect(result.output).toMatchObject({
        selectedCount: 2,
        deleted: [oldest.id, middle.id],
        skipped: { tooRecent: 0, statusNotSelected: 0, overMaxBatches: 1 },
      });
      expect(deletedIds()).toEqual([oldest.id, middle.id].sort());
      expect(deletedIds()).not.toContain(newest.id);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'records a failed teardown and deletes the others',
    async () => {
      await start();
      const kept = seed('ended-kept', 5 * HOUR_MS);
      const deleted = seed('ended-deleted', 4 * HOUR_MS);
      emulator.addFault({ route: 'deleteMessageBatch', batchId: kept.id, status: 403 });
      const result = await sweep({ olderThanHours: 1 });

      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toMatchObject({
        selectedCount: 2,
        deletedCount: 1,
        failedCount: 1,
        deleted: [deleted.id],
        failed: [
          {
            batchId: kept.id,
            error: 'PermissionDenied',
            cause: expect.stringContaining(`Batch ${kept.id} was not deleted`),
            executionArn: expect.stringMatching(/:execution:TeardownStateMachine\w+:/),
          },
        ],
      });
      expect(deletedIds()).toEqual([deleted.id]);
      const failedRun = result.teardowns.find((run) => run.batchId === kept.id);
      expect(failedRun?.result.error).toBe('PermissionDenied');
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'keeps the API key out of output and history',
    async () => {
      await start();
      const kept = seed('ended-kept', 5 * HOUR_MS);
      seed('ended-deleted', 4 * HOUR_MS);
      emulator.addFault({ route: 'deleteMessageBatch', batchId: kept.id, status: 403 });
      const result = await sweep({ olderThanHours: 1 });

      const histories = [result.history, ...result.teardowns.map((run) => run.result.history)];
      expect(JSON.stringify(result.output)).not.toContain(API_KEY);
      expect(JSON.stringify(histories)).not.toContain(API_KEY);
      expect(result.teardowns).toHaveLength(2);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'fails on an invalid input before any API call',
    async () => {
      await start();
      seedFourKinds();
      const result = await sweep({ olderThanHours: 1, maxBatches: 0 });

      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('InvalidInput');
      expect(result.cause).toContain('maxBatches is 0');
      expect(emulator.requests()).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it(
    'stops listing at the page limit',
    async () => {
      await start();
      for (let i = 0; i < 5; i += 1) seed(`ended-${i}`, (i + 2) * HOUR_MS);
      process.env.ANTHROPIC_BASE_URL = emulator.url;
      const { listMessageBatches } = await import('../../lambdas/shared/batch-api');
      const { listAndSelectBatches } = await import('../../lambdas/shared/batch-selection');
      const { validateSweepCriteria } = await import('../../lambdas/shared/sweep-criteria');
      const options = { apiKey: API_KEY, anthropicVersion: '2023-06-01' };

      const selection = await listAndSelectBatches(
        validateSweepCriteria({ olderThanHours: 1 }),
        (page) => listMessageBatches(options, page),
        { pageSize: 2, maxPages: 2 },
      );

      expect(selection.examined).toBe(4);
      expect(selection.listComplete).toBe(false);
      expect(emulator.requests().filter((r) => r.route === 'listMessageBatches')).toHaveLength(2);
    },
    SWEEP_TIMEOUT_MS,
  );
});

describe('selectBatches input validation', () => {
  let handler: (event: unknown) => Promise<unknown>;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'SILENT';
    ({ handler } = await import('../../lambdas/select-batches'));
  });

  it.each([
    { name: 'input not an object', input: ['ended'], field: 'input' },
    { name: 'null input', input: null, field: 'input' },
    { name: 'typo in a field name', input: { olderThanHour: 24 }, field: 'olderThanHour' },
    {
      name: 'prototype key',
      input: JSON.parse('{"__proto__": {}}') as unknown,
      field: '__proto__',
    },
    { name: 'olderThanHours zero', input: { olderThanHours: 0 }, field: 'olderThanHours' },
    { name: 'olderThanHours negative', input: { olderThanHours: -5 }, field: 'olderThanHours' },
    { name: 'olderThanHours a string', input: { olderThanHours: '24' }, field: 'olderThanHours' },
    { name: 'olderThanHours huge', input: { olderThanHours: 1e9 }, field: 'olderThanHours' },
    { name: 'processingStatus empty', input: { processingStatus: [] }, field: 'processingStatus' },
    {
      name: 'processingStatus unknown',
      input: { processingStatus: ['ended', 'done'] },
      field: 'processingStatus[1]',
    },
    {
      name: 'processingStatus repeated',
      input: { processingStatus: ['ended', 'ended'] },
      field: 'processingStatus[1]',
    },
    {
      name: 'processingStatus a number',
      input: { processingStatus: 3 },
      field: 'processingStatus',
    },
    { name: 'maxBatches zero', input: { maxBatches: 0 }, field: 'maxBatches' },
    { name: 'maxBatches over 100', input: { maxBatches: 101 }, field: 'maxBatches' },
    { name: 'maxBatches fractional', input: { maxBatches: 2.5 }, field: 'maxBatches' },
    { name: 'dryRun a string', input: { dryRun: 'yes' }, field: 'dryRun' },
    {
      name: 'anthropicVersion not a date',
      input: { anthropicVersion: '2023-13-01' },
      field: 'anthropicVersion',
    },
  ])('rejects $name', async ({ input, field }) => {
    const error = (await handler({ executionInput: input }).catch((e: unknown) => e)) as Error;

    expect(error.name).toBe('InvalidInput');
    const details = JSON.parse(error.message) as { field: string; message: string; fix: string };
    expect(details.field).toBe(field);
    expect(details.message).toContain(`Invalid sweep input: ${field} is`);
    expect(details.fix).not.toBe('');
  });

  it('suggests the field a typo meant', async () => {
    const error = (await handler({ executionInput: { maxBatch: 3 } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(JSON.parse(error.message)).toMatchObject({ fix: 'did you mean maxBatches?' });
  });

  it('shows only the type of an unknown field', async () => {
    const input = { apiKey: 'sk-ant-secret-value' };
    const error = (await handler({ executionInput: input }).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('sk-ant-secret-value');
  });

  it('rejects an event of neither step', async () => {
    const error = (await handler({ batchId: 'msgbatch_01' }).catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('InvalidInput');
    expect(JSON.parse(error.message)).toMatchObject({ field: 'event' });
  });
});

describe('sweep summary of a failed teardown', () => {
  it('takes the error and cause of a failed teardown execution', () => {
    const cause = JSON.stringify({
      Cause: 'Batch msgbatch_01 was not deleted.',
      Error: 'PermissionDenied',
      ExecutionArn: 'arn:aws:states:us-east-1:123456789012:execution:Teardown:abc',
      Status: 'FAILED',
    });
    expect(describeFailure('msgbatch_01', { Error: 'States.TaskFailed', Cause: cause })).toEqual({
      batchId: 'msgbatch_01',
      error: 'PermissionDenied',
      cause: 'Batch msgbatch_01 was not deleted.',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Teardown:abc',
    });
  });

  it('describes a timed-out teardown execution by its status', () => {
    const cause = JSON.stringify({ ExecutionArn: 'arn:x', Status: 'TIMED_OUT' });
    const failure = describeFailure('msgbatch_01', { Error: 'States.TaskFailed', Cause: cause });
    expect(failure.error).toBe('States.TaskFailed');
    expect(failure.cause).toContain('TIMED_OUT');
  });

  it('keeps an error that did not come from the execution', () => {
    const error = { Error: 'StepFunctions.ExecutionLimitExceededException', Cause: 'Too many' };
    expect(describeFailure('msgbatch_01', error)).toEqual({
      batchId: 'msgbatch_01',
      error: 'StepFunctions.ExecutionLimitExceededException',
      cause: 'Too many',
    });
  });

  it('shortens a long cause', () => {
    const failure = describeFailure('msgbatch_01', { Error: 'X', Cause: 'c'.repeat(5000) });
    expect(failure.cause.length).toBe(1000);
  });
});
