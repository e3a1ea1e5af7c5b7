import { BodyTooLargeError } from './body';
import type { FaultBook, FaultTarget } from './faults';
import type { BatchStore } from './store';
import type { Route } from './types';

/** Request fields that findFaultTarget reads. */
export interface TargetSource {
  readonly route: Route;
  readonly batchId: string | undefined;
  /** Reads the request body once, so that the create handler later gets the same bytes. */
  readonly readBody: () => Promise<Buffer>;
}

/**
 * Finds the batch id and first custom_id that fault rules filter on. A request on a batch takes
 * the first custom_id of that batch. A create takes `requests[0].custom_id` from its body, which
 * is read here only when a create rule filters on customIdPrefix, so that other fault rules
 * (a reset before the body arrives, for example) behave as they did without the filter.
 */
export async function findFaultTarget(
  source: TargetSource,
  faults: FaultBook,
  store: BatchStore,
): Promise<FaultTarget> {
  if (source.batchId !== undefined) {
    return { batchId: source.batchId, firstCustomId: store.firstCustomId(source.batchId) };
  }
  if (source.route !== 'createMessageBatch' || !faults.filtersByCustomId(source.route)) {
    return {};
  }
  return { firstCustomId: await readFirstCustomId(source.readBody) };
}

/**
 * Returns `requests[0].custom_id` of a create body, or undefined when the body is too large, is
 * not JSON or has no such string. The create handler then responds to those bodies with its
 * own 413 or 400. It rethrows ClientClosedError, raised when the client closes the connection
 * before the body is complete.
 */
async function readFirstCustomId(readBody: () => Promise<Buffer>): Promise<string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse((await readBody()).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError || error instanceof SyntaxError) {
      return undefined;
    }
    throw error;
  }
  const requests = (parsed as { requests?: unknown } | null)?.requests;
  const first: unknown = Array.isArray(requests) ? requests[0] : undefined;
  const customId = (first as { custom_id?: unknown } | null | undefined)?.custom_id;
  return typeof customId === 'string' ? customId : undefined;
}
