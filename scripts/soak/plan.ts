import { createRandom, randomInteger, shuffled } from './random';
import { SCENARIOS, type Scenario } from './scenarios';

/** Maximum number of executions in one soak, which bounds its memory and time. */
export const MAX_EXECUTIONS = 10_000;

/** Range of the cancel delay, in milliseconds, that each execution's batch draws. */
export const CANCEL_DELAY_RANGE_MS = { min: 100, max: 300 } as const;

/** Range of the number of requests in each execution's batch. */
export const REQUEST_COUNT_RANGE = { min: 1, max: 3 } as const;

/** One execution of a soak, fully derived from the seed and its index. */
export interface PlannedExecution {
  readonly index: number;
  /** Start of every custom_id of the execution, `soak-<seed>-<index>-`, which ties batches to it. */
  readonly customIdPrefix: string;
  readonly scenario: Scenario;
  readonly requestCount: number;
  /** Milliseconds from the cancel request until the batch ends, unless the scenario sets timing. */
  readonly cancelDelayMs: number;
}

/**
 * Builds the plan of a soak. Scenarios are dealt from a deck: each round of SCENARIOS.length
 * executions gets every scenario once, in an order shuffled by the seeded generator, so a soak of
 * at least that many executions runs every scenario. Each execution then draws its request count
 * and cancel delay. The draws for execution i do not depend on the total, so a shorter soak with
 * the same seed runs the first executions of a longer one.
 */
export function buildPlan(seed: number, executions: number): PlannedExecution[] {
  if (!Number.isInteger(executions) || executions < 1 || executions > MAX_EXECUTIONS) {
    throw new RangeError(
      `The number of executions must be an integer from 1 to ${MAX_EXECUTIONS}, got ${executions}`,
    );
  }
  const random = createRandom(seed);
  const plan: PlannedExecution[] = [];
  let deck: Scenario[] = [];
  for (let index = 0; index < executions; index += 1) {
    if (deck.length === 0) {
      deck = shuffled(random, SCENARIOS);
    }
    const scenario = deck.shift() as Scenario;
    plan.push({
      index,
      customIdPrefix: `soak-${seed}-${index}-`,
      scenario,
      requestCount: randomInteger(random, REQUEST_COUNT_RANGE.min, REQUEST_COUNT_RANGE.max),
      cancelDelayMs: randomInteger(random, CANCEL_DELAY_RANGE_MS.min, CANCEL_DELAY_RANGE_MS.max),
    });
  }
  return plan;
}

/**
 * Builds the execution input: `requestCount` requests whose custom_ids start with the prefix.
 * An invalid-input scenario sends them under the misspelled field `request`.
 */
export function executionInput(planned: PlannedExecution): Record<string, unknown> {
  const requests = Array.from({ length: planned.requestCount }, (_, position) => ({
    custom_id: `${planned.customIdPrefix}${position}`,
    params: {
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Reply with one word.' }],
    },
  }));
  return planned.scenario.invalidInput === true ? { request: requests } : { requests };
}
