import { EmulatorInputError, HttpError, errorTypeForStatus } from './errors';
import { errorReply, type Reply } from './reply';
import type { FaultRule, Route } from './types';

const ROUTES: readonly Route[] = [
  'createMessageBatch',
  'retrieveMessageBatch',
  'listMessageBatches',
  'cancelMessageBatch',
  'deleteMessageBatch',
  'results',
];

interface ActiveRule {
  readonly rule: FaultRule;
  /** Requests that passed the rule's route, batchId and customIdPrefix filters. */
  matchedCount: number;
  firedCount: number;
}

/** Batch id and first custom_id of a request, the values that fault rules filter on. */
export interface FaultTarget {
  readonly batchId?: string;
  /** First custom_id of the batch or of the create body, undefined when there is none. */
  readonly firstCustomId?: string;
}

/** Fault rules in the order added, each with the number of requests it matched and fired on. */
export class FaultBook {
  private rules: ActiveRule[] = [];

  /** Adds a copy of `rule`; throws EmulatorInputError when the rule is invalid. */
  add(rule: FaultRule): void {
    validateFaultRule(rule);
    const copy = {
      ...rule,
      attempts: rule.attempts === undefined ? undefined : [...rule.attempts],
    };
    this.rules.push({ rule: copy, matchedCount: 0, firedCount: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Whether a rule for `route` filters on customIdPrefix, so that a create body must be read first. */
  filtersByCustomId(route: Route): boolean {
    return this.rules.some(({ rule }) => rule.route === route && rule.customIdPrefix !== undefined);
  }

  /**
   * Counts one request to `route` in every rule that it matches and returns the first of those
   * rules that fires on it, if any.
   */
  take(route: Route, target: FaultTarget): FaultRule | undefined {
    let firing: ActiveRule | undefined;
    for (const active of this.rules) {
      if (!matchesTarget(active.rule, route, target)) {
        continue;
      }
      active.matchedCount += 1;
      if (firing === undefined && firesNow(active)) {
        firing = active;
      }
    }
    if (firing === undefined) {
      return undefined;
    }
    firing.firedCount += 1;
    return firing.rule;
  }
}

function matchesTarget(rule: FaultRule, route: Route, target: FaultTarget): boolean {
  const prefix = rule.customIdPrefix;
  return (
    rule.route === route &&
    (rule.batchId === undefined || rule.batchId === target.batchId) &&
    (prefix === undefined || target.firstCustomId?.startsWith(prefix) === true)
  );
}

function firesNow(active: ActiveRule): boolean {
  const { rule } = active;
  return (
    (rule.attempts === undefined || rule.attempts.includes(active.matchedCount)) &&
    (rule.times === undefined || active.firedCount < rule.times)
  );
}

/** Builds the response of a rule with `status`: the error envelope or rawBody, plus retry headers. */
export function faultReply(rule: FaultRule & { status: number }, requestId: string): Reply {
  const headers = retryHeaders(rule);
  if (rule.rawBody !== undefined) {
    const contentType = rule.contentType ?? 'text/html; charset=utf-8';
    return { status: rule.status, body: rule.rawBody, contentType, headers };
  }
  const message = `Injected by an emulator fault rule: HTTP ${rule.status} ${errorTypeForStatus(rule.status)}`;
  return { ...errorReply(new HttpError(rule.status, message), requestId), headers };
}

function retryHeaders(rule: FaultRule): Record<string, string> {
  const headers: Record<string, string> = {};
  if (rule.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(rule.retryAfterSeconds);
  }
  if (rule.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(rule.retryAfterMs);
  }
  if (rule.shouldRetry !== undefined) {
    headers['x-should-retry'] = String(rule.shouldRetry);
  }
  return headers;
}

/** Throws EmulatorInputError on the first invalid field or contradictory combination of `rule`. */
export function validateFaultRule(rule: FaultRule): void {
  const problem = findRuleProblem(rule);
  if (problem !== undefined) {
    throw new EmulatorInputError(`Invalid fault rule for route ${String(rule.route)}: ${problem}`);
  }
}

function findRuleProblem(rule: FaultRule): string | undefined {
  if (!ROUTES.includes(rule.route)) {
    return `route must be one of ${ROUTES.join(', ')}`;
  }
  return findFilterProblem(rule) ?? findCountProblem(rule) ?? findResponseProblem(rule);
}

function findFilterProblem(rule: FaultRule): string | undefined {
  const prefix = rule.customIdPrefix;
  if (prefix === undefined) {
    return undefined;
  }
  if (typeof prefix !== 'string' || prefix === '') {
    return `customIdPrefix must be a non-empty string, got ${JSON.stringify(prefix)}`;
  }
  if (rule.route === 'listMessageBatches') {
    return 'customIdPrefix never matches listMessageBatches, which targets no batch; remove it or pick a batch route';
  }
  return undefined;
}

function findCountProblem(rule: FaultRule): string | undefined {
  if (rule.attempts !== undefined && !isListOfPositiveIntegers(rule.attempts)) {
    return `attempts must contain only positive integers, got ${JSON.stringify(rule.attempts)}`;
  }
  if (rule.times !== undefined && !isPositiveInteger(rule.times)) {
    return `times must be a positive integer, got ${rule.times}`;
  }
  for (const name of ['delayMs', 'retryAfterSeconds', 'retryAfterMs'] as const) {
    const value = rule[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      return `${name} must be a non-negative number, got ${value}`;
    }
  }
  return undefined;
}

function findResponseProblem(rule: FaultRule): string | undefined {
  const hasStatus = rule.status !== undefined;
  if (rule.reset !== undefined && rule.reset !== 'before' && rule.reset !== 'after') {
    return `reset must be 'before' or 'after', got ${JSON.stringify(rule.reset)}`;
  }
  if (hasStatus && !isStatusAllowed(rule)) {
    return `status must be an integer from 400 to 599, or from 200 with rawBody, got ${rule.status}`;
  }
  if (hasStatus && rule.reset !== undefined) {
    return 'use status or reset, not both: a reset sends no response';
  }
  if (!hasStatus && hasResponseFields(rule)) {
    return 'retryAfterSeconds, retryAfterMs, shouldRetry, rawBody, contentType and applyChange need status';
  }
  if (rule.contentType !== undefined && rule.rawBody === undefined) {
    return 'contentType needs rawBody';
  }
  if (!hasStatus && rule.reset === undefined && rule.delayMs === undefined) {
    return 'the rule does nothing; set status, reset or delayMs';
  }
  return undefined;
}

function isStatusAllowed(rule: FaultRule): boolean {
  const status = rule.status ?? 0;
  const lowest = rule.rawBody === undefined ? 400 : 200;
  return Number.isInteger(status) && status >= lowest && status <= 599;
}

function hasResponseFields(rule: FaultRule): boolean {
  const fields = [rule.retryAfterSeconds, rule.retryAfterMs, rule.shouldRetry, rule.rawBody];
  return fields.some((field) => field !== undefined) || rule.applyChange === true;
}

function isListOfPositiveIntegers(values: unknown): boolean {
  return Array.isArray(values) && values.every(isPositiveInteger);
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
