/**
 * Task handler of the deleteBatch step.
 */
import { withApiKeyRetry } from './shared/api-key';
import { deleteMessageBatch } from './shared/batch-api';
import { wrapHandler } from './shared/handler';
import { parseBatchIdEvent } from './shared/handler-events';
import { logger } from './shared/logger';

/** Result of the deleteBatch step, the workflow's outputs. */
export interface DeleteMessageBatchResult {
  /** Id of the batch that the workflow created. */
  batchId: string;
  /** `id` from the body of the delete response. */
  deletedId: string;
}

/**
 * Sends `DELETE /v1/messages/batches/{batchId}` for the event `{ batchId, anthropicVersion }`.
 * The API allows it only once processing_status is `ended`.
 */
export const handler = wrapHandler(
  'deleteMessageBatch',
  async (event): Promise<DeleteMessageBatchResult> => {
    const { batchId, anthropicVersion } = parseBatchIdEvent(event, 'deleteMessageBatch');
    logger.appendKeys({ batchId });
    const deleted = await withApiKeyRetry((apiKey) =>
      deleteMessageBatch(batchId, { apiKey, anthropicVersion }),
    );
    return { batchId, deletedId: deleted.id };
  },
);
