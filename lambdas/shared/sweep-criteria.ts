/**
 * Validation of the sweep's execution input: which batches a sweep selects and whether it only
 * reports them.
 *
 * The CDK app validates the scheduled sweep input with this module at synth time, so it imports
 * nothing that needs Lambda.
 */
import type { InvalidInputError } from './errors';
import type { ProcessingStatus } from './batch-summary';
import { suggestFieldName } from './field-suggestion';
import { describeType, describeValue, invalidField, isPlainObject } from './input-values';
import { validateAnthropicVersion } from './validate-input';

/** Validated sweep input with every default filled in. */
export interface SweepCriteria {
  /** Select only batches whose created_at is more than this many hours ago. */
  olderThanHours: number;
  /** Select only batches in one of these processing_status values. */
  processingStatus: ProcessingStatus[];
  /** Tear down at most this many batches, the oldest first. */
  maxBatches: number;
  /** Report the selection without tearing anything down. */
  dryRun: boolean;
  /** Value of the `anthropic-version` header for the list calls and the teardowns. */
  anthropicVersion: string;
}

/**
 * Results are archived 29 days after created_at and can no longer be downloaded, so deleting an
 * ended batch from then on loses nothing that the API would still return. 29 × 24 = 696 hours.
 */
export const DEFAULT_OLDER_THAN_HOURS = 696;
/** Only ended batches by default, so a sweep never cancels running work unless asked to. */
export const DEFAULT_PROCESSING_STATUS: readonly ProcessingStatus[] = ['ended'];
/** Teardowns per sweep by default. */
export const DEFAULT_MAX_BATCHES = 50;
/**
 * Largest maxBatches. Each teardown outcome adds up to about 2 KB (a failed child execution's
 * description) to the Map state's output, which Step Functions limits to 256 KiB.
 */
export const MAX_BATCHES_LIMIT = 100;
/** Largest olderThanHours: 10 years, far older than any Message Batch. */
export const MAX_OLDER_THAN_HOURS = 87_600;

const SELECTABLE_STATUSES: readonly ProcessingStatus[] = ['in_progress', 'canceling', 'ended'];
const ALLOWED_FIELDS = [
  'olderThanHours',
  'processingStatus',
  'maxBatches',
  'dryRun',
  'anthropicVersion',
] as const;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const INPUT_CONTEXT = 'sweep input';

/**
 * Validates the sweep input and fills in the defaults: olderThanHours 696, processingStatus
 * ["ended"], maxBatches 50, dryRun false, anthropicVersion 2023-06-01.
 *
 * `processingStatus` may also be a single status string, as the CLI sends it. The first invalid
 * field throws `InvalidInputError` naming the field, the value and the fix.
 */
export function validateSweepCriteria(input: unknown): SweepCriteria {
  if (!isPlainObject(input)) {
    throw invalidInput(
      'input',
      describeValue(input),
      'it must be a JSON object',
      'send an object such as {"dryRun": true}, or {} for the defaults',
    );
  }
  rejectUnknownFields(input);
  return {
    olderThanHours: validateOlderThanHours(input.olderThanHours),
    processingStatus: validateProcessingStatus(input.processingStatus),
    maxBatches: validateMaxBatches(input.maxBatches),
    dryRun: validateDryRun(input.dryRun),
    anthropicVersion: validateAnthropicVersion(input.anthropicVersion, INPUT_CONTEXT),
  };
}

function rejectUnknownFields(input: Record<string, unknown>): void {
  const allowed: readonly string[] = ALLOWED_FIELDS;
  const field = Object.getOwnPropertyNames(input).find((key) => !allowed.includes(key));
  if (field === undefined) return;
  if (PROTOTYPE_KEYS.has(field)) {
    const rule = 'this key is not allowed because it can change object prototypes';
    throw invalidInput(field, 'present', rule, `remove ${field}`);
  }
  const suggestion = suggestFieldName(field, allowed);
  const rule = `it is not an allowed field (allowed: ${allowed.join(', ')})`;
  const fix = suggestion === undefined ? `remove ${field}` : `did you mean ${suggestion}?`;
  // Only the type is shown: an unknown field may be an API key pasted into the input.
  throw invalidInput(field, describeType(input[field]), rule, fix);
}

function validateOlderThanHours(value: unknown): number {
  if (value === undefined) return DEFAULT_OLDER_THAN_HOURS;
  if (typeof value === 'number' && value > 0 && value <= MAX_OLDER_THAN_HOURS) return value;
  const rule = `it must be a number of hours greater than 0 and at most ${MAX_OLDER_THAN_HOURS}`;
  const fix = `use ${DEFAULT_OLDER_THAN_HOURS} (29 days, when results are archived), or omit it for that default`;
  throw invalidInput('olderThanHours', describeValue(value), rule, fix);
}

function validateProcessingStatus(value: unknown): ProcessingStatus[] {
  if (value === undefined) return [...DEFAULT_PROCESSING_STATUS];
  const statuses = typeof value === 'string' ? [value] : value;
  const rule = `it must be a non-empty array of distinct values from ${SELECTABLE_STATUSES.join(', ')}`;
  if (!Array.isArray(statuses) || statuses.length === 0) {
    throw invalidInput('processingStatus', describeValue(value), rule, 'set it to ["ended"]');
  }
  statuses.forEach((status: unknown, index) => {
    const field = `processingStatus[${index}]`;
    if (typeof status !== 'string' || !SELECTABLE_STATUSES.includes(status as ProcessingStatus)) {
      const fix = `use one of ${SELECTABLE_STATUSES.join(', ')}`;
      throw invalidInput(field, describeValue(status), rule, fix);
    }
    if (statuses.indexOf(status) !== index) {
      throw invalidInput(field, describeValue(status), rule, `remove the repeated "${status}"`);
    }
  });
  return statuses as ProcessingStatus[];
}

function validateMaxBatches(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BATCHES;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value >= 1 && value <= MAX_BATCHES_LIMIT) return value;
  }
  const rule = `it must be a whole number from 1 to ${MAX_BATCHES_LIMIT}`;
  const fix = `run the sweep again for the rest, or omit it for the default ${DEFAULT_MAX_BATCHES}`;
  throw invalidInput('maxBatches', describeValue(value), rule, fix);
}

function validateDryRun(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const fix = 'use true to only report the selection, false (the default) to tear it down';
  throw invalidInput('dryRun', describeValue(value), 'it must be true or false', fix);
}

function invalidInput(
  field: string,
  valueDescription: string,
  rule: string,
  fix: string,
): InvalidInputError {
  return invalidField({ context: INPUT_CONTEXT, field, valueDescription, rule, fix });
}
