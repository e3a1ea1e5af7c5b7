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
  firedCount: number;
}

/** Fault rules in the order added, and the number of requests seen per route since start. */
export class FaultBook {
  private rules: ActiveRule[] = [];
  private readonly requestCounts = new Map<Route, number>();

  /** Adds a copy of `rule`; throws EmulatorInputError when the rule is invalid. */
  add(rule: FaultRule): void {
    validateFaultRule(rule);
    const copy = {
      ...rule,
      attempts: rule.attempts === undefined ? undefined : [...rule.attempts],
    };
    this.rules.push({ rule: copy, firedCount: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Counts one request to `route` and returns the first rule that fires on it, if any. */
  take(route: Route, batchId: string | undefined): FaultRule | undefined {
    const requestNumber = (this.requestCounts.get(route) ?? 0) + 1;
    this.requestCounts.set(route, requestNumber);
    const active = this.rules.find((candidate) =>
      matches(candidate, route, batchId, requestNumber),
    );
    if (active === undefined) {
      return undefined;
    }
    active.firedCount += 1;
    return active.rule;
  }
}

function matches(
  active: ActiveRule,
  route: Route,
  batchId: string | undefined,
  requestNumber: number,
): boolean {
  const { rule } = active;
  return (
    rule.route === route &&
    (rule.batchId === undefined || rule.batchId === batchId) &&
    (rule.attempts === undefined || rule.attempts.includes(requestNumber)) &&
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
  return findCountProblem(rule) ?? findResponseProblem(rule);
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
