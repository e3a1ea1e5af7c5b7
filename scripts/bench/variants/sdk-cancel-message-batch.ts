/** Bench-only cancel handler that calls `client.messages.batches.cancel` of the official SDK. */
import { withApiKeyRetry } from '../../../lambdas/shared/api-key';
import { wrapHandler } from '../../../lambdas/shared/handler';
import { parseBatchIdEvent } from '../../../lambdas/shared/handler-events';
import { logger } from '../../../lambdas/shared/logger';
import { sdkClient, summarizeSdkBatch } from './sdk-client';

export const handler = wrapHandler('cancelMessageBatch', async (event) => {
  const { batchId, anthropicVersion } = parseBatchIdEvent(event, 'cancelMessageBatch');
  logger.appendKeys({ batchId });
  const batch = await withApiKeyRetry((apiKey) =>
    sdkClient(apiKey, anthropicVersion).messages.batches.cancel(batchId),
  );
  return summarizeSdkBatch(batch);
});
