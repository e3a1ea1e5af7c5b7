/**
 * Task handler of the submitBatch step: validates the execution input, then creates the batch.
 */
import { withApiKeyRetry } from './shared/api-key';
import { createMessageBatch } from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import { wrapHandler } from './shared/handler';
import { invalidField, isPlainObject, describeValue } from './shared/input-values';
import { logger } from './shared/logger';
import { describeUnknownOutcome, isAmbiguousCreateFailure } from './shared/submit-outcome';
import { validateExecutionInput } from './shared/validate-input';

/** Result of the submitBatch step. */
export interface CreateMessageBatchResult {
  /** The `anthropic-version` used, defaulted to 2023-06-01, for the later steps. */
  anthropicVersion: string;
  batch: BatchSummary;
}

/**
 * Validates the execution input before reading the key or calling the API, then sends
 * `POST /v1/messages/batches` with `{requests}`.
 *
 * The event is `{executionInput}`: the state machine passes the execution input from the
 * context object, so a retried submit sends the same requests whatever the state holds.
 *
 * After a 401 the key is re-read once and the create repeated, which is safe because a 401
 * proves that nothing was created. A failure after the request may have reached the API is not
 * retried: it becomes `SubmitOutcomeUnknown` with the batches that may be this execution's.
 */
export const handler = wrapHandler(
  'createMessageBatch',
  async (event): Promise<CreateMessageBatchResult> => {
    const { requests, anthropicVersion } = validateExecutionInput(readExecutionInput(event));
    const startedMs = Date.now();
    let createdWith: { apiKey: string } | undefined;
    try {
      const batch = await withApiKeyRetry((apiKey) => {
        createdWith = { apiKey };
        return createMessageBatch(requests, { apiKey, anthropicVersion });
      });
      logger.appendKeys({ batchId: batch.id });
      return { anthropicVersion, batch };
    } catch (error) {
      if (!isAmbiguousCreateFailure(error) || createdWith === undefined) throw error;
      const options = { apiKey: createdWith.apiKey, anthropicVersion };
      throw await describeUnknownOutcome(error, options, startedMs, requests.length);
    }
  },
);

function readExecutionInput(event: unknown): unknown {
  if (!isPlainObject(event) || !('executionInput' in event)) {
    throw invalidField({
      context: 'createMessageBatch event',
      field: 'executionInput',
      valueDescription: describeValue(event),
      rule: 'the event must be {"executionInput": <the execution input>}',
      fix: 'pass "executionInput.$": "$$.Execution.Input" in the Task parameters',
    });
  }
  return event.executionInput;
}
