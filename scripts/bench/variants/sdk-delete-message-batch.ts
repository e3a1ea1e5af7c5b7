/** Bench-only delete handler that calls `client.messages.batches.delete` of the official SDK. */
import { withApiKeyRetry } from '../../../lambdas/shared/api-key';
import { wrapHandler } from '../../../lambdas/shared/handler';
import { parseBatchIdEvent } from '../../../lambdas/shared/handler-events';
import { logger } from '../../../lambdas/shared/logger';
import { sdkClient } from './sdk-client';

export const handler = wrapHandler('deleteMessageBatch', async (event) => {
  const { batchId, anthropicVersion } = parseBatchIdEvent(event, 'deleteMessageBatch');
  logger.appendKeys({ batchId });
  const deleted = await withApiKeyRetry((apiKey) =>
    sdkClient(apiKey, anthropicVersion).messages.batches.delete(batchId),
  );
  return { batchId, deletedId: deleted.id };
});
