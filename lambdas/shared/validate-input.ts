/**
 * Validation of the workflow's execution input, run before any API call.
 *
 * The local runner and the CLI use this module too, so it imports nothing that needs Lambda.
 */
import type { InvalidInputError } from './errors';
import {
  describeType,
  describeValue,
  invalidField,
  isAnthropicVersion,
  isPlainObject,
} from './input-values';
import { suggestFieldName } from './field-suggestion';
import {
  checkRequestsLocation,
  parseS3Uri,
  type RequestsBucketAccess,
  type S3ObjectLocation,
} from './s3-uri';

/** One batch item: its `params` are checked by the API after create, not here. */
export interface BatchRequest {
  custom_id: string;
  params: Record<string, unknown>;
}

/** Validated execution input with `anthropicVersion` filled in. */
export interface ExecutionInput {
  requests: BatchRequest[];
  anthropicVersion: string;
}

/** Validated input that names an S3 object with the requests of a new batch. */
export interface S3ExecutionInput {
  /** The URI as given, `s3://bucket/key`. */
  requestsS3Uri: string;
  location: S3ObjectLocation;
  anthropicVersion: string;
}

/** Validated input of the two modes that create a batch, as submitBatch accepts them. */
export type SubmitInput =
  ({ mode: 'requests' } & ExecutionInput) | ({ mode: 'requestsS3Uri' } & S3ExecutionInput);

/**
 * Validated input of any mode: a new batch from `requests` or from the S3 object at
 * `requestsS3Uri`, or an existing `batchId`.
 */
export type TeardownInput =
  SubmitInput | { mode: 'batchId'; batchId: string; anthropicVersion: string };

/** Settings of validateTeardownInput. */
export interface TeardownInputOptions {
  /**
   * Bucket and prefix that a `requestsS3Uri` must lie in. Without it only the URI's form is
   * checked, as callers outside the create function (the CLI) do not know the stack's bucket.
   */
  readonly requestsBucketAccess?: RequestsBucketAccess;
}

/** `anthropic-version` header value used when the input sets none. */
export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
/** Maximum number of requests in one Message Batch. */
export const MAX_BATCH_REQUESTS = 100_000;
/** Pattern that every `custom_id` must match. */
export const CUSTOM_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
/** Shape of a Message Batch id: `msgbatch_` and letters or digits. */
export const BATCH_ID_PATTERN = /^msgbatch_[A-Za-z0-9]{1,120}$/;

const ALLOWED_TOP_LEVEL_FIELDS = [
  'requests',
  'requestsS3Uri',
  'batchId',
  'anthropicVersion',
] as const;
/** The fields that select the input mode; exactly one must be set. */
const MODE_FIELDS = ['requests', 'requestsS3Uri', 'batchId'] as const;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const API_KEY_FIELD_NAMES = new Set(['apikey', 'xapikey']);
const INPUT_CONTEXT = 'execution input';

/**
 * Validates the execution input of any mode and returns it with `anthropicVersion` defaulted to
 * 2023-06-01. Exactly one of `requests`, `requestsS3Uri` and `batchId` must be set.
 *
 * Checks run in a fixed order and the first failure throws `InvalidInputError`, whose
 * message names the field, the value and the fix. The value of `params` and of any field
 * that may contain prompt text or the API key is described by its type only.
 */
export function validateTeardownInput(
  input: unknown,
  options: TeardownInputOptions = {},
): TeardownInput {
  if (!isPlainObject(input)) {
    throw invalidInput(
      'input',
      describeValue(input),
      'it must be a JSON object',
      'send an object such as {"requests": [...]} or {"batchId": "msgbatch_..."}',
    );
  }
  rejectPrototypeKeys(input);
  rejectApiKeyFields(input);
  rejectUnknownFields(input);
  const anthropicVersion = validateAnthropicVersion(input.anthropicVersion);
  const modeFields = MODE_FIELDS.filter((field) => input[field] !== undefined);
  const extraField = modeFields[1];
  if (extraField !== undefined) {
    const rule =
      'set exactly one of requests (to create a batch), requestsS3Uri (to create one from an S3 object) and batchId (to tear one down)';
    throw invalidInput(extraField, describeValue(input[extraField]), rule, 'remove one of them');
  }
  if (input.batchId !== undefined) {
    return { mode: 'batchId', batchId: validateBatchId(input.batchId), anthropicVersion };
  }
  if (input.requestsS3Uri !== undefined) {
    const location = parseS3Uri(input.requestsS3Uri, INPUT_CONTEXT);
    if (options.requestsBucketAccess !== undefined) {
      checkRequestsLocation(location, options.requestsBucketAccess, INPUT_CONTEXT);
    }
    const requestsS3Uri = input.requestsS3Uri as string;
    return { mode: 'requestsS3Uri', requestsS3Uri, location, anthropicVersion };
  }
  return { mode: 'requests', requests: validateRequests(input.requests), anthropicVersion };
}

/**
 * Validates an execution input for submitBatch, which accepts `requests` and `requestsS3Uri`.
 * The URI must lie in the bucket and under the prefix that `access` allows.
 */
export function validateSubmitInput(input: unknown, access: RequestsBucketAccess): SubmitInput {
  const validated = validateTeardownInput(input, { requestsBucketAccess: access });
  if (validated.mode === 'batchId') throw batchIdNotSubmittable(validated.batchId);
  return validated;
}

/** Validates an execution input that must be in `requests` mode, as submitBatch needs. */
export function validateExecutionInput(input: unknown): ExecutionInput {
  const validated = validateTeardownInput(input);
  if (validated.mode === 'batchId') throw batchIdNotSubmittable(validated.batchId);
  if (validated.mode === 'requestsS3Uri') {
    const rule = 'this caller needs the requests in the input itself';
    const fix = 'send requests instead, or use validateSubmitInput';
    throw invalidInput('requestsS3Uri', describeValue(validated.requestsS3Uri), rule, fix);
  }
  return { requests: validated.requests, anthropicVersion: validated.anthropicVersion };
}

function batchIdNotSubmittable(batchId: string): InvalidInputError {
  const rule = 'submitBatch creates a batch from requests; a batchId input skips it';
  return invalidInput('batchId', describeValue(batchId), rule, 'send requests instead');
}

function validateBatchId(value: unknown): string {
  if (typeof value === 'string' && BATCH_ID_PATTERN.test(value)) return value;
  const rule = `it must be a Message Batch id matching ${BATCH_ID_PATTERN.source}`;
  const fix = 'copy the id from the Console or from a list of batches, such as "msgbatch_01..."';
  throw invalidInput('batchId', describeValue(value), rule, fix);
}

function invalidInput(
  field: string,
  valueDescription: string,
  rule: string,
  fix: string,
): InvalidInputError {
  return invalidField({ context: INPUT_CONTEXT, field, valueDescription, rule, fix });
}

function rejectPrototypeKeys(input: Record<string, unknown>): void {
  const containers: Array<[string, unknown]> = [['', input]];
  if (Array.isArray(input.requests)) {
    input.requests.forEach((item, index) => containers.push([`requests[${index}].`, item]));
  }
  for (const [prefix, container] of containers) {
    if (typeof container !== 'object' || container === null) continue;
    const key = Object.getOwnPropertyNames(container).find((name) => PROTOTYPE_KEYS.has(name));
    if (key !== undefined) {
      const field = `${prefix}${key}`;
      const rule = 'this key is not allowed because it can change object prototypes';
      throw invalidInput(field, 'present', rule, `remove ${field}`);
    }
  }
}

function rejectApiKeyFields(input: Record<string, unknown>): void {
  const field = Object.keys(input).find((key) =>
    API_KEY_FIELD_NAMES.has(key.toLowerCase().replace(/[-_]/g, '')),
  );
  if (field === undefined) return;
  const rule =
    'an API key must not be sent here, because execution input is stored in plain text in the execution history';
  const fix = `remove ${field} and put the key in the Secrets Manager secret the stack created (see README)`;
  throw invalidInput(field, 'present (its value is not shown)', rule, fix);
}

function rejectUnknownFields(input: Record<string, unknown>): void {
  const allowed: readonly string[] = ALLOWED_TOP_LEVEL_FIELDS;
  const field = Object.keys(input).find((key) => !allowed.includes(key));
  if (field === undefined) return;
  const suggestion = suggestFieldName(field, allowed);
  const rule = `it is not an allowed field (allowed: ${allowed.join(', ')})`;
  const fix = suggestion === undefined ? `remove ${field}` : `did you mean ${suggestion}?`;
  throw invalidInput(field, describeType(input[field]), rule, fix);
}

function validateRequests(requests: unknown): BatchRequest[] {
  const rule = `it must be an array of 1 to ${MAX_BATCH_REQUESTS} requests`;
  const example =
    'set requests to [{"custom_id": "first", "params": {...}}, ...], or requestsS3Uri to "s3://bucket/key" for more than 256 KiB of requests';
  if (!Array.isArray(requests)) {
    throw invalidInput('requests', describeType(requests), rule, example);
  }
  if (requests.length === 0) {
    throw invalidInput('requests', 'an empty array', rule, 'add at least one request');
  }
  if (requests.length > MAX_BATCH_REQUESTS) {
    const fix = `split the requests into batches of at most ${MAX_BATCH_REQUESTS}`;
    throw invalidInput('requests', describeType(requests), rule, fix);
  }
  const firstIndexByCustomId = new Map<string, number>();
  requests.forEach((item, index) => validateRequestItem(item, index, firstIndexByCustomId));
  return requests as BatchRequest[];
}

function validateRequestItem(
  item: unknown,
  index: number,
  firstIndexByCustomId: Map<string, number>,
): void {
  const field = `requests[${index}]`;
  if (!isPlainObject(item)) {
    const fix = 'make it an object {"custom_id": ..., "params": {...}}';
    throw invalidInput(field, describeType(item), 'each request must be an object', fix);
  }
  for (const key of ['custom_id', 'params']) {
    if (!Object.hasOwn(item, key)) {
      throw invalidInput(
        `${field}.${key}`,
        'missing',
        'each request needs custom_id and params',
        `add ${key}`,
      );
    }
  }
  const extra = Object.keys(item).find((key) => key !== 'custom_id' && key !== 'params');
  if (extra !== undefined) {
    const rule = 'each request has exactly the fields custom_id and params';
    const fix = `remove ${extra}, or move it into params if it is a Messages API parameter`;
    throw invalidInput(`${field}.${extra}`, describeType(item[extra]), rule, fix);
  }
  validateCustomId(item.custom_id, index, firstIndexByCustomId);
  if (!isPlainObject(item.params)) {
    const rule =
      'it must be an object of Messages API parameters (model, max_tokens, messages, ...)';
    throw invalidInput(`${field}.params`, describeType(item.params), rule, 'make params an object');
  }
}

function validateCustomId(
  customId: unknown,
  index: number,
  firstIndexByCustomId: Map<string, number>,
): void {
  const field = `requests[${index}].custom_id`;
  if (typeof customId !== 'string' || !CUSTOM_ID_PATTERN.test(customId)) {
    const rule = `it must match ${CUSTOM_ID_PATTERN.source} (letters, digits, _ and -, at most 64)`;
    throw invalidInput(field, describeValue(customId), rule, 'rename it');
  }
  const firstIndex = firstIndexByCustomId.get(customId);
  if (firstIndex !== undefined) {
    const rule = `it must be unique in the batch, but requests[${firstIndex}] has the same custom_id`;
    throw invalidInput(
      field,
      describeValue(customId),
      rule,
      `rename requests[${index}] or requests[${firstIndex}]`,
    );
  }
  firstIndexByCustomId.set(customId, index);
}

/**
 * Validates an optional `anthropicVersion` and returns it, or 2023-06-01 when it is absent.
 * `context` names the input in the message, such as "execution input" or "sweep input".
 */
export function validateAnthropicVersion(value: unknown, context = INPUT_CONTEXT): string {
  if (value === undefined) return DEFAULT_ANTHROPIC_VERSION;
  if (typeof value === 'string' && isAnthropicVersion(value)) return value;
  const rule = 'it must be an anthropic-version date string in the form YYYY-MM-DD';
  const fix = `use a published version such as "${DEFAULT_ANTHROPIC_VERSION}", or omit it for that default`;
  const valueDescription = describeValue(value);
  throw invalidField({ context, field: 'anthropicVersion', valueDescription, rule, fix });
}
