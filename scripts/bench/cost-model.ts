/**
 * Measurement 4 (cost): modeled AWS cost of one run of the workflow next to two other designs,
 * from the measured transitions and handler durations and the prices in prices.ts.
 */
import {
  EXPRESS_BILLED_MEMORY_MB,
  EXPRESS_BILLING_STEP_MS,
  EXPRESS_MAX_SECONDS,
  EXPRESS_USD_PER_GB_SECOND,
  EXPRESS_USD_PER_REQUEST,
  LAMBDA_ARM_USD_PER_GB_SECOND,
  LAMBDA_BILLING_STEP_MS,
  LAMBDA_MAX_SECONDS,
  LAMBDA_USD_PER_REQUEST,
  STANDARD_USD_PER_TRANSITION,
} from './prices';
import type { TransitionRow } from './transitions';

/** Measured durations that the model bills, in milliseconds. */
export interface HandlerDurations {
  /** Load plus first invocation, by operation: each function's first call is cold. */
  readonly coldMs: Record<'create' | 'cancel' | 'retrieve' | 'delete', number>;
  /** A warm retrieve call, for every poll after the first. */
  readonly warmRetrieveMs: number;
}

/** Settings of the deployed workflow that the model needs. */
export interface WorkflowSettings {
  readonly pollIntervalSeconds: number;
  readonly lambdaMemoryMb: number;
}

/** Modeled cost of one run, in USD. */
export interface RunCost {
  readonly polls: number;
  readonly transitions: number;
  readonly lambdaInvocations: number;
  /** Billed Lambda time of the Task states, in milliseconds. */
  readonly lambdaBilledMs: number;
  /** Wall time on AWS: the Wait states plus the handler time, in seconds. */
  readonly wallSeconds: number;
  /** This design: Standard transitions plus the four functions. */
  readonly standardUsd: number;
  /** Design (a): one function that sleeps between polls, chained past 15 minutes. */
  readonly sleepingLambdaUsd: number;
  readonly sleepingLambdaInvocations: number;
  /** Design (b): the same states as an Express workflow; undefined when the run exceeds 5 minutes. */
  readonly expressUsd?: number;
}

/** Models the cost of a measured run. */
export function modelRunCost(
  row: TransitionRow,
  durations: HandlerDurations,
  settings: WorkflowSettings,
): RunCost {
  const invocations = row.enteredByType.Task ?? 0;
  const lambdaBilledMs = billedLambdaMs(invocations, row.polls, durations);
  const wallSeconds = (row.polls - 1) * settings.pollIntervalSeconds + lambdaBilledMs / 1000;
  const lambdaUsd = lambdaCost(invocations, lambdaBilledMs, settings.lambdaMemoryMb);
  const sleepingLambdaInvocations = Math.max(1, Math.ceil(wallSeconds / LAMBDA_MAX_SECONDS));
  const sleepingLambdaUsd = lambdaCost(
    sleepingLambdaInvocations,
    wallSeconds * 1000,
    settings.lambdaMemoryMb,
  );
  return {
    polls: row.polls,
    transitions: row.transitions,
    lambdaInvocations: invocations,
    lambdaBilledMs,
    wallSeconds,
    standardUsd: row.transitions * STANDARD_USD_PER_TRANSITION + lambdaUsd,
    sleepingLambdaUsd,
    sleepingLambdaInvocations,
    expressUsd:
      wallSeconds > EXPRESS_MAX_SECONDS ? undefined : expressCost(wallSeconds) + lambdaUsd,
  };
}

/** Cost of one more poll cycle, in USD, by design. */
export interface CycleCost {
  readonly standardUsd: number;
  readonly sleepingLambdaUsd: number;
  readonly expressUsd: number;
}

/** Models the cost of one extra poll cycle: one Wait, one warm retrieve and its transitions. */
export function modelCycleCost(
  transitionsPerCycle: number,
  durations: HandlerDurations,
  settings: WorkflowSettings,
): CycleCost {
  const retrieveUsd = lambdaCost(1, roundUp(durations.warmRetrieveMs), settings.lambdaMemoryMb);
  const waitSeconds = settings.pollIntervalSeconds;
  const memoryGb = settings.lambdaMemoryMb / 1024;
  return {
    standardUsd: transitionsPerCycle * STANDARD_USD_PER_TRANSITION + retrieveUsd,
    sleepingLambdaUsd:
      (waitSeconds + durations.warmRetrieveMs / 1000) * memoryGb * LAMBDA_ARM_USD_PER_GB_SECOND,
    expressUsd:
      waitSeconds * (EXPRESS_BILLED_MEMORY_MB / 1024) * EXPRESS_USD_PER_GB_SECOND + retrieveUsd,
  };
}

function billedLambdaMs(invocations: number, polls: number, durations: HandlerDurations): number {
  const { coldMs, warmRetrieveMs } = durations;
  const others = invocations - polls;
  // submit, cancel and (on success) delete run once each; a failed run has no delete.
  const onceMs = [coldMs.create, coldMs.cancel, coldMs.delete].slice(0, Math.max(0, others));
  const pollsMs = [coldMs.retrieve, ...Array<number>(Math.max(0, polls - 1)).fill(warmRetrieveMs)];
  return [...onceMs, ...pollsMs].reduce((sum, ms) => sum + roundUp(ms), 0);
}

function lambdaCost(invocations: number, billedMs: number, memoryMb: number): number {
  const gbSeconds = (memoryMb / 1024) * (billedMs / 1000);
  return invocations * LAMBDA_USD_PER_REQUEST + gbSeconds * LAMBDA_ARM_USD_PER_GB_SECOND;
}

function expressCost(wallSeconds: number): number {
  const billedMs =
    Math.ceil((wallSeconds * 1000) / EXPRESS_BILLING_STEP_MS) * EXPRESS_BILLING_STEP_MS;
  const gbSeconds = (EXPRESS_BILLED_MEMORY_MB / 1024) * (billedMs / 1000);
  return EXPRESS_USD_PER_REQUEST + gbSeconds * EXPRESS_USD_PER_GB_SECOND;
}

function roundUp(ms: number): number {
  return Math.ceil(ms / LAMBDA_BILLING_STEP_MS) * LAMBDA_BILLING_STEP_MS;
}
