/**
 * Task handler of the pollUntilEnded step, and of adoptBatch when the input names an existing
 * batch.
 */
import { withApiKeyRetry } from './shared/api-key';
import { retrieveMessageBatch } from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import { wrapHandler } from './shared/handler';
import { parsePollEvent } from './shared/handler-events';
import { isPlainObject } from './shared/input-values';
import { logger } from './shared/logger';
import { validateTeardownInput } from './shared/validate-input';

/** Result of one poll: the whole state of the polling loop. */
export interface RetrieveMessageBatchResult {
  /** Echo of the event's `anthropic-version`. */
  anthropicVersion: string;
  /** Echo of the event's poll counter; 0 when adopting a batch. */
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
 *
 * The event `{ executionInput }` is the adoptBatch step of an execution started with
 * `{"batchId": ...}`: the whole input is validated before any call, and the retrieve confirms
 * that the batch exists before the workflow cancels it.
 */
export const handler = wrapHandler(
  'retrieveMessageBatch',
  async (event): Promise<RetrieveMessageBatchResult> => {
    const { batchId, anthropicVersion, pollCount } = readEvent(event);
    logger.appendKeys({ batchId });
    const batch = await withApiKeyRetry((apiKey) =>
      retrieveMessageBatch(batchId, { apiKey, anthropicVersion }),
    );
    return { anthropicVersion, pollCount, batch };
  },
);

function readEvent(event: unknown): {
  batchId: string;
  anthropicVersion: string;
  pollCount: number;
} {
  if (!isPlainObject(event) || !('executionInput' in event)) {
    return parsePollEvent(event, 'retrieveMessageBatch');
  }
  const input = validateTeardownInput(event.executionInput);
  if (input.mode !== 'batchId') {
    // The state machine sends only batchId inputs to adoptBatch; a requests input would mean
    // the definition and this handler disagree.
    throw new Error('adoptBatch received an input without batchId.');
  }
  return { batchId: input.batchId, anthropicVersion: input.anthropicVersion, pollCount: 0 };
}
