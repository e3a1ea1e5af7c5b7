import { EmulatorInputError } from './errors';
import type { BatchTiming } from './lifecycle';
import type { TimingRule } from './types';

/** Timing rules in the order added, and the durations that batches matching none of them get. */
export class TimingBook {
  private readonly rules: TimingRule[] = [];

  constructor(private readonly defaults: BatchTiming) {}

  /** Adds a copy of `rule`; throws EmulatorInputError when the rule is invalid. */
  add(rule: TimingRule): void {
    validateTimingRule(rule);
    this.rules.push({ ...rule });
  }

  /** Returns the durations of a new batch whose first custom_id is `firstCustomId`. */
  timingFor(firstCustomId: string | undefined): BatchTiming {
    const rule =
      firstCustomId === undefined
        ? undefined
        : this.rules.find((candidate) => firstCustomId.startsWith(candidate.customIdPrefix));
    return {
      batchDurationMs: rule?.batchDurationMs ?? this.defaults.batchDurationMs,
      cancelDelayMs: rule?.cancelDelayMs ?? this.defaults.cancelDelayMs,
    };
  }
}

function validateTimingRule(rule: TimingRule): void {
  const prefix: unknown = rule.customIdPrefix;
  if (typeof prefix !== 'string' || prefix === '') {
    throw new EmulatorInputError(
      `Invalid timing rule: customIdPrefix must be a non-empty string, got ${JSON.stringify(prefix)}`,
    );
  }
  for (const name of ['batchDurationMs', 'cancelDelayMs'] as const) {
    const value = rule[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new EmulatorInputError(
        `Invalid timing rule for prefix ${prefix}: ${name} must be a non-negative number of milliseconds, got ${String(value)}`,
      );
    }
  }
  if (rule.batchDurationMs === undefined && rule.cancelDelayMs === undefined) {
    throw new EmulatorInputError(
      `Invalid timing rule for prefix ${prefix}: the rule does nothing; set batchDurationMs or cancelDelayMs`,
    );
  }
}
