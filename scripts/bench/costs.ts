/** Turns the measured transitions and handler durations into the cost table of the report. */
import type { BatchOperation } from '../../lib/batch-functions';
import type { ColdStartResult } from './cold-start';
import {
  type CycleCost,
  type HandlerDurations,
  type RunCost,
  modelCycleCost,
  modelRunCost,
} from './cost-model';
import type { DeployedSettings } from './deployed-settings';
import type { TransitionResult } from './transitions';
import type { WarmCallsSummary } from './warm-calls';

export interface CostResult {
  /** The measured durations that the model bills. */
  readonly durations: HandlerDurations;
  readonly runs: (RunCost & { readonly status: string })[];
  readonly perCycle: CycleCost;
}

/** Models the cost of every measured run and of one extra poll cycle. */
export function modelCosts(
  transitions: TransitionResult,
  coldStarts: ColdStartResult,
  warmCalls: WarmCallsSummary,
  deployed: DeployedSettings,
): CostResult {
  const coldMedian = (operation: BatchOperation): number => {
    const row = coldStarts.rows.find((candidate) => candidate.name === operation);
    if (row === undefined) throw new Error(`No cold-start measurement of ${operation}.`);
    return row.totalMs.median;
  };
  const durations: HandlerDurations = {
    coldMs: {
      create: coldMedian('createMessageBatch'),
      cancel: coldMedian('cancelMessageBatch'),
      retrieve: coldMedian('retrieveMessageBatch'),
      delete: coldMedian('deleteMessageBatch'),
    },
    warmRetrieveMs: warmCalls.handlerMs.median,
  };
  return {
    durations,
    runs: transitions.rows.map((row) => ({
      ...modelRunCost(row, durations, deployed),
      status: row.status,
    })),
    perCycle: modelCycleCost(transitions.transitionsPerCycle, durations, deployed),
  };
}
