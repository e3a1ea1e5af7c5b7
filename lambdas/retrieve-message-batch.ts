/**
 * Task handler of the pollUntilEnded step.
 */
import { withApiKeyRetry } from './shared/api-key';
import { retrieveMessageBatch } from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import { wrapHandler } from './shared/handler';
import { parsePollEvent } from './shared/handler-events';
import { logger } from './shared/logger';

/** Result of one poll: the whole state of the polling loop. */
export interface RetrieveMessageBatchResult {
  /** Echo of the event's `anthropic-version`. */
  anthropicVersion: string;
  /** Echo of the event's poll counter. */
  pollCount: number;
  batch: BatchSummary;
}

/**
 * Sends `GET /v1/messages/batches/{batchId}` for the event
 * `{ batchId, anthropicVersion, pollCount }` and returns `{ anthropicVersion, pollCount, batch }`.
 *
 * It echoes `anthropicVersion` and `pollCount`, which the state machine increments in the
 * Task's Parameters, so that the Task can replace the whole state with its result. Each poll
 * cycle then stays at three state transitions (Task, Choice, Wait), with no Pass state to merge
 * the result back into the state.
 */
export const handler = wrapHandler(
  'retrieveMessageBatch',
  async (event): Promise<RetrieveMessageBatchResult> => {
    const { batchId, anthropicVersion, pollCount } = parsePollEvent(event, 'retrieveMessageBatch');
    logger.appendKeys({ batchId });
    const batch = await withApiKeyRetry((apiKey) =>
      retrieveMessageBatch(batchId, { apiKey, anthropicVersion }),
    );
    return { anthropicVersion, pollCount, batch };
  },
);
