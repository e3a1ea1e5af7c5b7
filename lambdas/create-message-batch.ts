/**
 * Task handler of the submitBatch step: validates the execution input, then creates the batch
 * from the input's `requests` or from the requests object at its `requestsS3Uri`.
 */
import { withApiKeyRetry } from './shared/api-key';
import {
  type ApiCallOptions,
  createMessageBatch,
  createMessageBatchStreamed,
} from './shared/batch-api';
import type { BatchSummary } from './shared/batch-summary';
import {
  API_CREATE_BODY_LIMITS,
  buildCreateBody,
  type CreateBodyProgress,
} from './shared/create-body';
import { wrapHandler } from './shared/handler';
import { invalidField, isPlainObject, describeValue } from './shared/input-values';
import { logger } from './shared/logger';
import { readRequestsBucketAccess } from './shared/s3-uri';
import { describeUnknownOutcome, isAmbiguousCreateFailure } from './shared/submit-outcome';
import { type S3ExecutionInput, validateSubmitInput } from './shared/validate-input';

/** Result of the submitBatch step. */
export interface CreateMessageBatchResult {
  /** The `anthropic-version` used, defaulted to 2023-06-01, for the later steps. */
  anthropicVersion: string;
  batch: BatchSummary;
}

/** One create attempt with a key, and the request count to match batches by after a failure. */
interface SubmitPlan {
  readonly anthropicVersion: string;
  readonly create: (options: ApiCallOptions) => Promise<BatchSummary>;
  readonly requestCount: () => number;
}

/**
 * Validates the execution input before reading the key or calling the API, then sends
 * `POST /v1/messages/batches` with `{requests}`.
 *
 * The event is `{executionInput}`: the state machine passes the execution input from the
 * context object, so a retried submit sends the same requests whatever the state holds.
 *
 * A `requestsS3Uri` input must name an object under REQUESTS_BUCKET and REQUESTS_PREFIX. Its items
 * are checked while they stream from S3 to the API. An invalid one aborts the upload before the
 * body is complete, so the API cannot create a batch from it.
 *
 * After a 401 the key is re-read once and the create repeated, which is safe because a 401
 * proves that nothing was created. A failure after the request may have reached the API is not
 * retried: it becomes `SubmitOutcomeUnknown` with the batches that may be this execution's.
 */
export const handler = wrapHandler(
  'createMessageBatch',
  async (event): Promise<CreateMessageBatchResult> => {
    const input = validateSubmitInput(readExecutionInput(event), readRequestsBucketAccess());
    const plan: SubmitPlan =
      input.mode === 'requests'
        ? {
            anthropicVersion: input.anthropicVersion,
            create: (options) => createMessageBatch(input.requests, options),
            requestCount: () => input.requests.length,
          }
        : planS3Submit(input);
    return submit(plan);
  },
);

async function submit(plan: SubmitPlan): Promise<CreateMessageBatchResult> {
  const { anthropicVersion } = plan;
  const startedMs = Date.now();
  let createdWith: { apiKey: string } | undefined;
  try {
    const batch = await withApiKeyRetry((apiKey) => {
      createdWith = { apiKey };
      return plan.create({ apiKey, anthropicVersion });
    });
    logger.appendKeys({ batchId: batch.id });
    return { anthropicVersion, batch };
  } catch (error) {
    if (!isAmbiguousCreateFailure(error) || createdWith === undefined) throw error;
    const options = { apiKey: createdWith.apiKey, anthropicVersion };
    throw await describeUnknownOutcome(error, options, startedMs, plan.requestCount());
  }
}

/**
 * Plans a create whose body streams from the requests object. Each attempt opens the object
 * again, because a 401 repeats the create with a re-read key.
 */
function planS3Submit(input: S3ExecutionInput): SubmitPlan {
  let progress: CreateBodyProgress = { requestCount: 0, bodyBytes: 0, complete: false };
  // NOTE: a timeout or lost connection while the body is still incomplete (progress.complete
  // false) cannot have created a batch either, but it is still reported as SubmitOutcomeUnknown.
  const create = async (options: ApiCallOptions): Promise<BatchSummary> => {
    progress = { requestCount: 0, bodyBytes: 0, complete: false };
    // Loaded here so that the S3 client is required only by executions that read from S3,
    // instead of on every cold start of the create function.
    const { openRequestsObject } = await import('./shared/s3-requests');
    const object = await openRequestsObject(input.location);
    logger.info('Streaming the requests object to the API', {
      requestsS3Uri: input.requestsS3Uri,
      objectBytes: object.contentLength,
    });
    try {
      const body = buildCreateBody(
        object.chunks,
        input.requestsS3Uri,
        API_CREATE_BODY_LIMITS,
        progress,
      );
      const batch = await createMessageBatchStreamed(body, options);
      logger.info('Created the batch from the requests object', {
        batchId: batch.id,
        requestCount: progress.requestCount,
        bodyBytes: progress.bodyBytes,
      });
      return batch;
    } finally {
      object.close();
    }
  };
  return {
    anthropicVersion: input.anthropicVersion,
    create,
    requestCount: () => progress.requestCount,
  };
}

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
