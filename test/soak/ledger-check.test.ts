import type { LedgerEntry } from '../../emulator';
import { checkLedger, type ExecutionResult } from '../../scripts/soak/ledger-check';
import type { PlannedExecution } from '../../scripts/soak/plan';
import { SCENARIOS, type Scenario } from '../../scripts/soak/scenarios';
import { formatReport } from '../../scripts/soak/table';

function scenario(kind: string): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.kind === kind);
  if (found === undefined) {
    throw new Error(`No scenario ${kind}`);
  }
  return found;
}

function planned(index: number, kind: string): PlannedExecution {
  return {
    index,
    customIdPrefix: `soak-1-${index}-`,
    scenario: scenario(kind),
    requestCount: 1,
    cancelDelayMs: 100,
  };
}

function succeeded(index: number, kind = 'happy-path'): ExecutionResult {
  return { planned: planned(index, kind), status: 'SUCCEEDED', durationMs: 1 };
}

function failed(index: number, kind: string, error: string, cause: string): ExecutionResult {
  return { planned: planned(index, kind), status: 'FAILED', error, cause, durationMs: 1 };
}

function batch(id: string, firstCustomId: string, deleted: boolean): LedgerEntry {
  return {
    id,
    createdAt: '2026-12-01T12:00:00.000Z',
    requestCount: 1,
    customIds: [firstCustomId],
    processingStatus: 'ended',
    canceled: true,
    deleted,
    deletedAt: deleted ? '2026-12-01T12:00:01.000Z' : null,
  };
}

describe('checkLedger', () => {
  it('passes deleted and reported batches', () => {
    const results = [
      succeeded(0),
      failed(1, 'delete-500-forever', 'ServerError', 'Batch msgbatch_b could not be deleted'),
    ];
    const ledger = [
      batch('msgbatch_a', 'soak-1-0-0', true),
      batch('msgbatch_b', 'soak-1-1-0', false),
    ];

    const check = checkLedger(results, ledger);

    expect(check.batches.map((entry) => entry.fate)).toEqual(['deleted', 'reported']);
    expect(check.findings).toEqual([]);
    expect(check.passed).toBe(true);
  });

  it('flags a failure that does not name its batch', () => {
    const results = [failed(0, 'delete-500-forever', 'ServerError', 'Something failed')];

    const check = checkLedger(results, [batch('msgbatch_a', 'soak-1-0-0', false)]);

    expect(check.findings.map((finding) => finding.problem)).toEqual(['leaked', 'unnamed']);
    expect(check.passed).toBe(false);
  });

  it('flags a failure that deleted its batch but does not name it', () => {
    const results = [failed(0, 'delete-500-forever', 'ServerError', 'Something failed')];

    const check = checkLedger(results, [batch('msgbatch_a', 'soak-1-0-0', true)]);

    expect(check.batches[0]?.fate).toBe('deleted');
    expect(check.findings).toEqual([
      { execution: results[0]?.planned, problem: 'unnamed', batchIds: ['msgbatch_a'] },
    ]);
  });

  it('flags a batch that a succeeded execution left behind', () => {
    const check = checkLedger([succeeded(0)], [batch('msgbatch_a', 'soak-1-0-0', false)]);

    expect(check.batches[0]?.fate).toBe('leaked');
    expect(check.passed).toBe(false);
  });

  it('flags two batches for one execution as duplicated', () => {
    const ledger = [
      batch('msgbatch_a', 'soak-1-0-0', true),
      batch('msgbatch_b', 'soak-1-0-0', true),
    ];

    const check = checkLedger([succeeded(0)], ledger);

    expect(check.duplicatedExecutions).toBe(1);
    expect(check.findings).toEqual([
      expect.objectContaining({ problem: 'duplicated', batchIds: ['msgbatch_a', 'msgbatch_b'] }),
    ]);
  });

  it('flags a batch of no execution as leaked', () => {
    const check = checkLedger([succeeded(0)], [batch('msgbatch_x', 'someone-else-0', false)]);

    expect(check.batches).toEqual([{ id: 'msgbatch_x', execution: undefined, fate: 'leaked' }]);
  });

  it('tells execution 1 from execution 10', () => {
    const results = [succeeded(1), succeeded(10)];
    const ledger = [
      batch('msgbatch_a', 'soak-1-10-0', true),
      batch('msgbatch_b', 'soak-1-1-0', true),
    ];

    const check = checkLedger(results, ledger);

    expect(check.batches.map((entry) => entry.execution?.index)).toEqual([10, 1]);
    expect(check.duplicatedExecutions).toBe(0);
  });

  it('counts executions by outcome', () => {
    const results = [
      succeeded(0),
      succeeded(1),
      failed(2, 'wrong-api-key', 'AuthenticationFailed', 'HTTP 401'),
    ];

    const check = checkLedger(results, [
      batch('msgbatch_a', 'soak-1-0-0', true),
      batch('msgbatch_b', 'soak-1-1-0', true),
    ]);

    expect([...check.outcomes]).toEqual([
      ['succeeded', 2],
      ['AuthenticationFailed', 1],
    ]);
  });

  it('reports an outcome that differs from the scenario without failing', () => {
    const results = [failed(0, 'happy-path', 'ServerError', 'Batch msgbatch_a was left')];

    const check = checkLedger(results, [batch('msgbatch_a', 'soak-1-0-0', false)]);

    expect(check.surprises).toEqual([
      {
        execution: results[0]?.planned,
        expected: 'succeeded, batch deleted',
        actual: 'ServerError, batch reported',
      },
    ]);
    expect(check.passed).toBe(true);
  });
});

describe('formatReport', () => {
  it('lists an offending execution with its scenario and the replay command', () => {
    const results = [succeeded(0, 'delete-409-not-ended')];
    const ledger = [batch('msgbatch_a', 'soak-1-0-0', false)];
    const check = checkLedger(results, ledger);

    const text = formatReport({
      seed: 1,
      concurrency: 20,
      durationMs: 1500,
      results,
      ledger,
      check,
    });

    expect(text).toContain('| leaked (neither deleted nor named)         | 1     |');
    expect(text).toContain(
      'execution 0 (soak-1-0-, scenario delete-409-not-ended): leaked (neither deleted nor named in the cause): msgbatch_a',
    );
    expect(text).toContain('npm run soak -- --executions 1 --seed 1');
  });
});
