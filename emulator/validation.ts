import { HttpError } from './errors';
import type { StoredRequest } from './lifecycle';
import type { EdgeCaseBehaviour } from './types';

/** Most request items that one batch may contain. */
export const MAX_REQUESTS_PER_BATCH = 100_000;

export const CUSTOM_ID_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Maximum number of characters of an invalid custom_id quoted in an error message. */
const QUOTED_VALUE_MAX_CHARS = 80;

/** Parses a create body as JSON; throws a 400 HttpError when it is empty or not valid JSON. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw invalid('Request body is empty; send a JSON object with a requests array');
  }
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw invalid(`Request body is not valid JSON: ${reason}`);
  }
}

/**
 * Checks the create envelope: a JSON object whose `requests` array has 1 to 100,000 items, each
 * with a custom_id matching CUSTOM_ID_PATTERN and a params object. Like the API, it does not check
 * what params contains. Throws a 400 HttpError that names the first invalid item.
 */
export function validateCreateBody(
  body: unknown,
  duplicateCustomId: EdgeCaseBehaviour['duplicateCustomId'],
): StoredRequest[] {
  if (!isPlainObject(body)) {
    throw invalid(
      `Request body must be a JSON object with a requests array, got ${describe(body)}`,
    );
  }
  const requests = checkRequestsArray(body.requests);
  const firstIndexByCustomId = new Map<string, number>();
  return requests.map((item, index) => {
    const stored = validateItem(item, index);
    const firstIndex = firstIndexByCustomId.get(stored.customId);
    if (firstIndex !== undefined && duplicateCustomId === 'reject') {
      throw invalid(
        `requests.${index}.custom_id: "${stored.customId}" is already used by requests.${firstIndex}; ` +
          'each custom_id must be unique within a batch',
      );
    }
    firstIndexByCustomId.set(stored.customId, firstIndex ?? index);
    return stored;
  });
}

function checkRequestsArray(requests: unknown): unknown[] {
  if (requests === undefined) {
    throw invalid('requests: field is required');
  }
  if (!Array.isArray(requests)) {
    throw invalid(`requests: must be an array, got ${describe(requests)}`);
  }
  if (requests.length === 0) {
    throw invalid('requests: must contain at least 1 item, got 0');
  }
  if (requests.length > MAX_REQUESTS_PER_BATCH) {
    throw invalid(
      `requests: must contain at most ${MAX_REQUESTS_PER_BATCH} items, got ${requests.length}; split them into several batches`,
    );
  }
  return requests;
}

function validateItem(item: unknown, index: number): StoredRequest {
  const path = `requests.${index}`;
  if (!isPlainObject(item)) {
    throw invalid(`${path}: must be an object with custom_id and params, got ${describe(item)}`);
  }
  const customId = item.custom_id;
  if (customId === undefined) {
    throw invalid(`${path}.custom_id: field is required`);
  }
  if (typeof customId !== 'string' || !CUSTOM_ID_PATTERN.test(customId)) {
    throw invalid(
      `${path}.custom_id: must be 1 to 64 letters, digits, "_" or "-" (${CUSTOM_ID_PATTERN.source}), got ${quote(customId)}`,
    );
  }
  if (item.params === undefined) {
    throw invalid(`${path}.params: field is required`);
  }
  if (!isPlainObject(item.params)) {
    throw invalid(`${path}.params: must be an object, got ${describe(item.params)}`);
  }
  const model = item.params.model;
  return { customId, model: typeof model === 'string' ? model : undefined };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function quote(value: unknown): string {
  if (typeof value !== 'string') {
    return describe(value);
  }
  const excerpt =
    value.length > QUOTED_VALUE_MAX_CHARS ? `${value.slice(0, QUOTED_VALUE_MAX_CHARS)}...` : value;
  return JSON.stringify(excerpt);
}

function invalid(message: string): HttpError {
  return new HttpError(400, message);
}
