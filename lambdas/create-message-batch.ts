/**
 * Task handler of the submitBatch step: validates the execution input, then creates the batch.
 */
import { withApiKeyRetry } from './shared/api-key';
import { createMessageBatch } from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import { wrapHandler } from './shared/handler';
import { logger } from './shared/logger';
import { validateExecutionInput } from './shared/validate-input';

/** Result of the submitBatch step. */
export interface CreateMessageBatchResult {
  /** The `anthropic-version` used, defaulted to 2023-06-01, for the later steps. */
  anthropicVersion: string;
  batch: BatchSummary;
}

/**
 * Validates the whole execution input with `validateExecutionInput` before reading the key or
 * calling the API, then sends `POST /v1/messages/batches` with `{requests}`.
 *
 * After a 401 the key is re-read once and the create repeated, which is safe because a 401
 * proves that nothing was created.
 */
export const handler = wrapHandler(
  'createMessageBatch',
  async (event): Promise<CreateMessageBatchResult> => {
    const { requests, anthropicVersion } = validateExecutionInput(event);
    const batch = await withApiKeyRetry((apiKey) =>
      createMessageBatch(requests, { apiKey, anthropicVersion }),
    );
    logger.appendKeys({ batchId: batch.id });
    return { anthropicVersion, batch };
  },
);
