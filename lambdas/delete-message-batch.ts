/**
 * Task handler of the deleteBatch step.
 */
import { withApiKeyRetry } from './shared/api-key';
import { deleteMessageBatch } from './shared/batch-api';
import { NotFoundError } from './shared/errors';
import { wrapHandler } from './shared/handler';
import { parseBatchIdEvent } from './shared/handler-events';
import { describeValue, invalidField } from './shared/input-values';
import { logger } from './shared/logger';

/** Result of the deleteBatch step, the workflow's outputs. */
export interface DeleteMessageBatchResult {
  /** Id of the batch that the workflow created. */
  batchId: string;
  /** `id` from the body of the delete response, or the batch id when an earlier attempt deleted it. */
  deletedId: string;
}

/**
 * Sends `DELETE /v1/messages/batches/{batchId}` for the event
 * `{ batchId, anthropicVersion, attempt }`. The API allows it only once processing_status is
 * `ended`.
 *
 * `attempt` counts delete attempts from 1. A 404 on a later attempt means an earlier attempt
 * deleted the batch but its response was lost (a timeout, a reset or a 5xx after the change),
 * so it counts as success. A 404 on the first attempt is an error: the batch was retrieved as
 * ended just before, so someone else deleted it.
 */
export const handler = wrapHandler(
  'deleteMessageBatch',
  async (event): Promise<DeleteMessageBatchResult> => {
    const { batchId, anthropicVersion } = parseBatchIdEvent(event, 'deleteMessageBatch');
    const attempt = readAttempt(event);
    logger.appendKeys({ batchId });
    try {
      const deleted = await withApiKeyRetry((apiKey) =>
        deleteMessageBatch(batchId, { apiKey, anthropicVersion }),
      );
      return { batchId, deletedId: deleted.id };
    } catch (error) {
      if (!(error instanceof NotFoundError) || attempt === 1) throw error;
      logger.info('Delete returned 404 after an earlier attempt; treating the batch as deleted', {
        attempt,
        requestId: error.requestId,
      });
      return { batchId, deletedId: batchId };
    }
  },
);

function readAttempt(event: unknown): number {
  // Only an absent attempt defaults to 1; null is rejected like any other non-number.
  const raw = (event as Record<string, unknown>).attempt;
  const attempt = raw === undefined ? 1 : raw;
  if (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1) {
    throw invalidField({
      context: 'deleteMessageBatch event',
      field: 'attempt',
      valueDescription: describeValue(attempt),
      rule: 'it must be a whole number, 1 or more',
      fix: 'pass the delete attempt counter of the state machine, starting at 1',
    });
  }
  return attempt;
}
