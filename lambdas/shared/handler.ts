/**
 * The Lambda boundary shared by the four handlers.
 *
 * Lambda reports a thrown error to Step Functions as Error = the error's `name` and Cause =
 * JSON `{errorType, errorMessage, trace}`. The state machine reads status, batchId and
 * retryAfterSeconds from the Cause, so the wrapper rethrows each `BatchWorkflowError` with the
 * same `name` and `message = JSON.stringify(details())`.
 */
import type { Context } from 'aws-lambda';
import { ApiError, BatchWorkflowError, type ErrorDetails } from './errors';
import { logger } from './logger';
import type { BatchOperation } from './operations';

/** Step Functions error name of a failure that is not a `BatchWorkflowError`. */
export const UNEXPECTED_ERROR_NAME = 'UnexpectedError';

/**
 * Step Functions error name of a usually retryable failure that the server marked with
 * `x-should-retry: false`. No Retry field matches it, so the state machine does not retry.
 */
export const RETRY_REFUSED_ERROR_NAME = 'RetryRefused';

/** A handler as Lambda calls it; the local runner may omit the context. */
export type BatchHandler<TResult> = (event: unknown, context?: Context) => Promise<TResult>;

/**
 * Wraps a handler body with the Lambda boundary. It resets the log keys of the previous call,
 * appends `operation` and logs each failure once. A `BatchWorkflowError` is rethrown as an Error
 * with the same name and `JSON.stringify(details())` as message. Any other error becomes
 * `UnexpectedError` with a generic message, because its text could contain internals.
 */
export function wrapHandler<TResult>(
  operation: BatchOperation,
  run: (event: unknown) => Promise<TResult>,
): BatchHandler<TResult> {
  return async (event, context) => {
    logger.resetKeys();
    if (context !== undefined) logger.addContext(context);
    logger.appendKeys({ operation });
    try {
      return await run(event);
    } catch (error) {
      throw toLambdaError(error, operation, context);
    }
  };
}

function toLambdaError(error: unknown, operation: BatchOperation, context?: Context): Error {
  if (error instanceof BatchWorkflowError) {
    logWorkflowError(error, operation);
    if (error instanceof ApiError && error.retryRefusedByServer) {
      const details = error.details();
      const message = `${details.message} The server sent x-should-retry: false, so the workflow does not retry it.`;
      return namedError(RETRY_REFUSED_ERROR_NAME, { ...details, message }, error);
    }
    return namedError(error.name, error.details(), error);
  }
  logger.error(`${operation} failed with an unexpected error`, { operation, error });
  const requestNote = context === undefined ? '' : ` (Lambda request ${context.awsRequestId})`;
  const message = `Unexpected internal error in the ${operation} handler; see its log for details${requestNote}.`;
  return namedError(UNEXPECTED_ERROR_NAME, { message }, error);
}

/** Logs a failure at warn level when the state machine may retry it, else at error level. */
function logWorkflowError(error: BatchWorkflowError, operation: BatchOperation): void {
  const details = error.details();
  const fields = {
    operation,
    errorName: error.name,
    batchId: details.batchId,
    status: details.status,
    errorType: details.errorType,
    requestId: details.requestId,
    retryAfterSeconds: details.retryAfterSeconds,
    requestSent: details.requestSent,
    field: details.field,
  };
  const summary = `${operation} failed with ${error.name}: ${details.message}`;
  if (error.retryable) {
    logger.warn(summary, fields);
  } else {
    logger.error(summary, fields);
  }
}

function namedError(name: string, details: ErrorDetails, cause: unknown): Error {
  const error = new Error(JSON.stringify(details), { cause });
  error.name = name;
  return error;
}
