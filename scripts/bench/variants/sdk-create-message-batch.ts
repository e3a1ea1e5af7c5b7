/** Bench-only create handler that calls `client.messages.batches.create` of the official SDK. */
import type { BatchCreateParams } from '@anthropic-ai/sdk/resources/messages/batches';
import { withApiKeyRetry } from '../../../lambdas/shared/api-key';
import { wrapHandler } from '../../../lambdas/shared/handler';
import { isPlainObject } from '../../../lambdas/shared/input-values';
import { logger } from '../../../lambdas/shared/logger';
import { validateExecutionInput } from '../../../lambdas/shared/validate-input';
import { sdkClient, summarizeSdkBatch } from './sdk-client';

export const handler = wrapHandler('createMessageBatch', async (event) => {
  // The event is either the execution input or {executionInput}, whichever the state machine sends.
  const input = isPlainObject(event) && 'executionInput' in event ? event.executionInput : event;
  const { requests, anthropicVersion } = validateExecutionInput(input);
  // validateExecutionInput checked the envelope; params are checked by the API, as in the SDK.
  const sdkRequests = requests as unknown as BatchCreateParams['requests'];
  const batch = await withApiKeyRetry((apiKey) =>
    sdkClient(apiKey, anthropicVersion).messages.batches.create({ requests: sdkRequests }),
  );
  logger.appendKeys({ batchId: batch.id });
  return { anthropicVersion, batch: summarizeSdkBatch(batch) };
});
