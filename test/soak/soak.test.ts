import { buildPlan } from '../../scripts/soak/plan';
import { runSoak, type SoakReport } from '../../scripts/soak/runner';
import { SCENARIOS } from '../../scripts/soak/scenarios';
import { formatReport } from '../../scripts/soak/table';

const SEED = 1;
/** Enough executions for every scenario kind, few enough to end in under a minute on 2 cores. */
const EXECUTIONS = 40;
const SOAK_TIMEOUT_MS = 240_000;

describe('soak of 40 executions', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({ executions: EXECUTIONS, seed: SEED });
  }, SOAK_TIMEOUT_MS);

  it('ends every execution', () => {
    expect(report.results).toHaveLength(EXECUTIONS);
  });

  it('leaks no batch', () => {
    expect(report.check.batches.filter((batch) => batch.fate === 'leaked')).toEqual([]);
  });

  it('duplicates no batch', () => {
    expect(report.check.duplicatedExecutions).toBe(0);
  });

  it('names the batch in every failure that created one', () => {
    expect(report.check.findings.filter((finding) => finding.problem === 'unnamed')).toEqual([]);
  });

  it('passes the check', () => {
    expect(report.check.passed).toBe(true);
    expect(formatReport(report)).toContain('PASSED');
  });

  it('runs every scenario kind at least once', () => {
    const kinds = new Set(report.results.map((result) => result.planned.scenario.kind));

    expect([...kinds].sort()).toEqual(SCENARIOS.map((scenario) => scenario.kind).sort());
  });

  it('ends each execution as its scenario expects', () => {
    expect(report.check.surprises).toEqual([]);
  });

  it('creates batches, deletes some and reports others', () => {
    const fates = new Set(report.check.batches.map((batch) => batch.fate));

    expect(fates).toEqual(new Set(['deleted', 'reported']));
  });
});

describe('soak plan', () => {
  it('is the same for the same seed', () => {
    const kinds = (seed: number) => buildPlan(seed, 60).map((planned) => planned.scenario.kind);

    expect(kinds(SEED)).toEqual(kinds(SEED));
    expect(buildPlan(SEED, 60)).toEqual(buildPlan(SEED, 60));
  });

  it('differs for another seed', () => {
    const kinds = (seed: number) => buildPlan(seed, 60).map((planned) => planned.scenario.kind);

    expect(kinds(2)).not.toEqual(kinds(SEED));
  });
});

describe('soak check', () => {
  it(
    'flags a batch that no execution deleted or named',
    async () => {
      let seededId = '';

      const report = await runSoak({
        executions: 2,
        seed: SEED,
        beforeExecutions: (emulator) => {
          // Five requests: no scenario sends that many, so no ambiguous-create cause can name it.
          const customIds = [0, 1, 2, 3, 4].map((position) => `soak-${SEED}-0-${position}`);
          const requests = customIds.map((customId) => ({ custom_id: customId, params: {} }));
          seededId = emulator.createBatchDirectly({ requests }).id;
        },
      });

      const leaked = report.check.findings.filter((finding) => finding.problem === 'leaked');
      expect(leaked).toEqual([
        expect.objectContaining({ batchIds: [seededId], execution: report.results[0]?.planned }),
      ]);
      expect(report.check.passed).toBe(false);
      expect(formatReport(report)).toContain(
        `scenario ${report.results[0]?.planned.scenario.kind}`,
      );
      expect(formatReport(report)).toContain(`--executions 2 --seed ${SEED}`);
    },
    SOAK_TIMEOUT_MS,
  );
});
