/** Bench-only retrieve handler that calls `client.messages.batches.retrieve` of the official SDK. */
import { withApiKeyRetry } from '../../../lambdas/shared/api-key';
import { wrapHandler } from '../../../lambdas/shared/handler';
import { parsePollEvent } from '../../../lambdas/shared/handler-events';
import { logger } from '../../../lambdas/shared/logger';
import { sdkClient, summarizeSdkBatch } from './sdk-client';

export const handler = wrapHandler('retrieveMessageBatch', async (event) => {
  const { batchId, anthropicVersion, pollCount } = parsePollEvent(event, 'retrieveMessageBatch');
  logger.appendKeys({ batchId });
  const batch = await withApiKeyRetry((apiKey) =>
    sdkClient(apiKey, anthropicVersion).messages.batches.retrieve(batchId),
  );
  return { anthropicVersion, pollCount, batch: summarizeSdkBatch(batch) };
});
