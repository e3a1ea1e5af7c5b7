/**
 * Task handler of the requestCancel step.
 */
import { withApiKeyRetry } from './shared/api-key';
import { cancelMessageBatch } from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import { wrapHandler } from './shared/handler';
import { parseBatchIdEvent } from './shared/handler-events';
import { logger } from './shared/logger';

/**
 * Sends `POST /v1/messages/batches/{batchId}/cancel` for the event `{ batchId, anthropicVersion }`
 * and returns the batch, usually with processing_status `canceling`, because cancellation is
 * asynchronous.
 */
export const handler = wrapHandler('cancelMessageBatch', async (event): Promise<BatchSummary> => {
  const { batchId, anthropicVersion } = parseBatchIdEvent(event, 'cancelMessageBatch');
  logger.appendKeys({ batchId });
  return withApiKeyRetry((apiKey) => cancelMessageBatch(batchId, { apiKey, anthropicVersion }));
});
