import {
  CANCEL_DELAY_RANGE_MS,
  REQUEST_COUNT_RANGE,
  buildPlan,
  executionInput,
} from '../../scripts/soak/plan';
import { createRandom, randomInteger, shuffled } from '../../scripts/soak/random';
import { SCENARIOS } from '../../scripts/soak/scenarios';

describe('createRandom', () => {
  it('repeats its sequence for the same seed', () => {
    const first = createRandom(42);
    const second = createRandom(42);

    const draws = Array.from({ length: 5 }, () => [first(), second()]);

    expect(draws.map(([a]) => a)).toEqual(draws.map(([, b]) => b));
  });

  it('draws numbers in [0, 1)', () => {
    const random = createRandom(7);

    const draws = Array.from({ length: 10_000 }, random);

    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
  });

  it.each([-1, 1.5, 2 ** 32])('rejects seed %p', (seed) => {
    expect(() => createRandom(seed)).toThrow('The seed must be an integer from 0 to 4294967295');
  });
});

describe('randomInteger', () => {
  it('reaches both bounds and nothing beyond', () => {
    const random = createRandom(3);

    const draws = new Set(Array.from({ length: 1_000 }, () => randomInteger(random, 1, 3)));

    expect([...draws].sort()).toEqual([1, 2, 3]);
  });
});

describe('shuffled', () => {
  it('returns a permutation and leaves the input unchanged', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];

    const result = shuffled(createRandom(9), items);

    expect([...result].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('buildPlan', () => {
  it('deals every scenario once per round', () => {
    const plan = buildPlan(5, SCENARIOS.length * 2);

    for (const round of [0, 1]) {
      const kinds = plan
        .slice(round * SCENARIOS.length, (round + 1) * SCENARIOS.length)
        .map((planned) => planned.scenario.kind);
      expect(new Set(kinds).size).toBe(SCENARIOS.length);
    }
  });

  it('starts a longer plan with the shorter one', () => {
    expect(buildPlan(11, 200).slice(0, 30)).toEqual(buildPlan(11, 30));
  });

  it('gives each execution its own prefix', () => {
    const plan = buildPlan(11, 12);

    expect(plan[10]?.customIdPrefix).toBe('soak-11-10-');
    expect(new Set(plan.map((planned) => planned.customIdPrefix)).size).toBe(12);
  });

  it('draws request counts and cancel delays within their ranges', () => {
    const plan = buildPlan(13, 500);

    const counts = plan.map((planned) => planned.requestCount);
    const delays = plan.map((planned) => planned.cancelDelayMs);
    expect(Math.min(...counts)).toBe(REQUEST_COUNT_RANGE.min);
    expect(Math.max(...counts)).toBe(REQUEST_COUNT_RANGE.max);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(CANCEL_DELAY_RANGE_MS.min);
    expect(Math.max(...delays)).toBeLessThanOrEqual(CANCEL_DELAY_RANGE_MS.max);
  });

  it.each([0, 1.5, 10_001])('rejects %p executions', (executions) => {
    expect(() => buildPlan(1, executions)).toThrow('The number of executions must be an integer');
  });
});

describe('executionInput', () => {
  it('builds requests whose custom_ids start with the prefix', () => {
    const planned = { ...buildPlan(1, 1)[0]!, requestCount: 2 };

    const input = executionInput({ ...planned, scenario: SCENARIOS[0]! });

    expect(input).toEqual({
      requests: [
        expect.objectContaining({ custom_id: `${planned.customIdPrefix}0` }),
        expect.objectContaining({ custom_id: `${planned.customIdPrefix}1` }),
      ],
    });
  });

  it('misspells requests for the invalid-input scenario', () => {
    const scenario = SCENARIOS.find((candidate) => candidate.invalidInput === true)!;

    const input = executionInput({ ...buildPlan(1, 1)[0]!, scenario });

    expect(Object.keys(input)).toEqual(['request']);
  });
});
