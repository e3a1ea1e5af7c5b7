import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { BatchOperation } from './batch-functions';

/** Poll settings of the teardown state machine. */
export interface PollSettings {
  /** Time between two retrieves of the batch. */
  readonly pollInterval: Duration;
  /** Retrieves after the first one before the execution fails with BatchNotEnded. */
  readonly maxPollRetries: number;
}

/** Errors thrown by the handlers, by name. Their Cause carries JSON details (see lambdas/shared). */
export const HANDLER_ERROR_NAMES = [
  'RateLimited',
  'Overloaded',
  'ServerError',
  'ApiTimeout',
  'RequestTimeout',
  'NetworkError',
  'AuthenticationFailed',
  'PermissionDenied',
  'BillingError',
  'BatchNotFound',
  'InvalidRequest',
  'Conflict',
  'RequestTooLarge',
  'UnexpectedResponse',
  'UnexpectedError',
  'InvalidInput',
  'ApiKeyUnavailable',
];

/** Lambda service faults: the function never ran or its result was lost in transport. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Errors that prove the server did not act on the request, so a retry cannot duplicate work. */
const THROTTLING_ERRORS = ['RateLimited', 'Overloaded'];

/** Errors after which an idempotent call (retrieve, cancel, delete) can safely be repeated. */
const TRANSIENT_ERRORS = ['ServerError', 'ApiTimeout', 'RequestTimeout', 'NetworkError'];

const BACKOFF: Omit<sfn.RetryProps, 'errors'> = {
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 6,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * Builds the teardown workflow: submitBatch, requestCancel, then a pollUntilEnded loop of one
 * Task, one Choice and one Wait state per cycle, and deleteBatch. Every failure after the create
 * ends in a Fail state whose cause names the batch id and its last processing_status.
 */
export function buildTeardownDefinition(
  scope: Construct,
  functions: Record<BatchOperation, lambda.IFunction>,
  settings: PollSettings,
): sfn.IChainable {
  const batchFailed = batchFailurePath(scope);
  const deleteBatch = invoke(scope, 'deleteBatch', functions.deleteMessageBatch, {
    payload: idPayload(),
  });
  addRetries(deleteBatch, [...THROTTLING_ERRORS, ...TRANSIENT_ERRORS]);
  catchBatchErrors(deleteBatch, batchFailed);

  const pollUntilEnded = pollLoop(scope, functions.retrieveMessageBatch, settings, deleteBatch);
  catchBatchErrors(pollUntilEnded, batchFailed);

  const requestCancel = invoke(scope, 'requestCancel', functions.cancelMessageBatch, {
    payload: idPayload(),
    resultPath: '$.batch',
  });
  addRetries(requestCancel, [...THROTTLING_ERRORS, ...TRANSIENT_ERRORS]);
  // A batch that ended before the cancel request arrived is answered 400 or 409. Polling
  // confirms its processing_status, and the loop deletes it once it reads "ended".
  requestCancel.addCatch(pollUntilEnded, {
    errors: ['InvalidRequest', 'Conflict'],
    resultPath: '$.cancelError',
  });
  catchBatchErrors(requestCancel, batchFailed);

  const submitBatch = submitStep(scope, functions.createMessageBatch);
  return submitBatch.next(requestCancel).next(pollUntilEnded);
}

function submitStep(scope: Construct, fn: lambda.IFunction): tasks.LambdaInvoke {
  const submitBatch = invoke(scope, 'submitBatch', fn, {
    resultSelector: {
      anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
      batch: sfn.JsonPath.objectAt('$.batch'),
      pollCount: 0,
    },
  });
  // Create is not idempotent: only errors that prove no batch was made are retried.
  addRetries(submitBatch, THROTTLING_ERRORS);

  const submitFailed = new sfn.Fail(scope, 'submitFailed', {
    comment: 'No batch was created.',
    errorPath: '$.errorName',
    causePath: '$.details.message',
  });
  // These catchers replace the state with the error: nothing else is needed once the submit has
  // failed, and the input may not be an object that an error could be merged into.
  const parsed = parseHandlerError(scope, 'Submit', '$', []);
  parsed.last.next(submitFailed);
  submitBatch.addCatch(parsed.first, { errors: HANDLER_ERROR_NAMES });
  const describeFault = new sfn.Pass(scope, 'describeSubmitFault', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.Error'),
      details: { message: sfn.JsonPath.stringAt('$.Cause') },
    },
  });
  submitBatch.addCatch(describeFault.next(submitFailed), {
    errors: [sfn.Errors.ALL],
  });
  return submitBatch;
}

function pollLoop(
  scope: Construct,
  fn: lambda.IFunction,
  settings: PollSettings,
  deleteBatch: sfn.IChainable,
): tasks.LambdaInvoke {
  const pollUntilEnded = invoke(scope, 'pollUntilEnded', fn, {
    payload: {
      ...idPayload(),
      pollCount: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.pollCount'), 1),
    },
  });
  addRetries(pollUntilEnded, [...THROTTLING_ERRORS, ...TRANSIENT_ERRORS]);

  const waitBeforePoll = new sfn.Wait(scope, 'waitBeforePoll', {
    time: sfn.WaitTime.duration(settings.pollInterval),
  });
  const isBatchEnded = new sfn.Choice(scope, 'isBatchEnded')
    .when(sfn.Condition.stringEquals('$.batch.processing_status', 'ended'), deleteBatch)
    .when(
      sfn.Condition.numberGreaterThan('$.pollCount', settings.maxPollRetries),
      batchNotEndedChain(scope, settings),
    )
    .otherwise(waitBeforePoll.next(pollUntilEnded));
  pollUntilEnded.next(isBatchEnded);
  return pollUntilEnded;
}

function batchNotEndedChain(scope: Construct, settings: PollSettings): sfn.IChainable {
  const template =
    'Batch {} did not reach processing_status ended after {} retrieves, {} seconds apart; ' +
    'its last processing_status was {}. It was not deleted. Cancellation can take minutes: ' +
    'delete the batch once it has ended, or raise maxPollRetries.';
  const describe = new sfn.Pass(scope, 'describeBatchNotEnded', {
    parameters: {
      cause: sfn.JsonPath.format(
        template,
        sfn.JsonPath.stringAt('$.batch.id'),
        sfn.JsonPath.stringAt('$.pollCount'),
        String(settings.pollInterval.toSeconds()),
        sfn.JsonPath.stringAt('$.batch.processing_status'),
      ),
    },
  });
  return describe.next(
    new sfn.Fail(scope, 'batchNotEnded', { error: 'BatchNotEnded', causePath: '$.cause' }),
  );
}

/** Entry states of the failure path taken once a batch exists. */
interface BatchFailurePath {
  /** Takes errors thrown by the handlers, whose Cause carries JSON details. */
  readonly handlerErrors: sfn.IChainable;
  /** Takes every other error, such as a Lambda timeout, whose Cause is kept as it is. */
  readonly otherErrors: sfn.IChainable;
}

/** Ends a failed execution that created a batch with a cause naming the batch and the next step. */
function batchFailurePath(scope: Construct): BatchFailurePath {
  const batchLeftBehind = new sfn.Fail(scope, 'batchLeftBehind', {
    comment: 'A batch exists and was not deleted; the cause names it.',
    errorPath: '$.errorName',
    causePath: '$.cause',
  });
  const parsed = parseHandlerError(scope, 'Batch', '$.error', ['batch']);
  parsed.last
    .next(describeBatchFailure(scope, 'describeBatchFailure', '$.details.message'))
    .next(batchLeftBehind);
  const describeFault = describeBatchFailure(
    scope,
    'describeBatchFault',
    '$.error.Cause',
    '$.error.Error',
  );
  describeFault.next(batchLeftBehind);
  return { handlerErrors: parsed.first, otherErrors: describeFault };
}

function describeBatchFailure(
  scope: Construct,
  stateName: string,
  messagePath: string,
  errorNamePath = '$.errorName',
): sfn.Pass {
  const template =
    '{} Batch {} was not deleted; its last known processing_status is {}. ' +
    'Delete it once it has ended: DELETE /v1/messages/batches/{}.';
  return new sfn.Pass(scope, stateName, {
    parameters: {
      errorName: sfn.JsonPath.stringAt(errorNamePath),
      cause: sfn.JsonPath.format(
        template,
        sfn.JsonPath.stringAt(messagePath),
        sfn.JsonPath.stringAt('$.batch.id'),
        sfn.JsonPath.stringAt('$.batch.processing_status'),
        sfn.JsonPath.stringAt('$.batch.id'),
      ),
    },
  });
}

/**
 * Two Pass states that turn a caught handler error into {errorName, details}, keeping the named
 * fields of the state. A Lambda error's Cause is the JSON {errorType, errorMessage, trace}, and
 * the handlers put JSON details in errorMessage, so the Cause is parsed twice.
 */
function parseHandlerError(
  scope: Construct,
  suffix: string,
  errorPath: string,
  keepFields: string[],
): { first: sfn.Pass; last: sfn.Pass } {
  const kept = Object.fromEntries(
    keepFields.map((field) => [field, sfn.JsonPath.objectAt(`$.${field}`)]),
  );
  const first = new sfn.Pass(scope, `parse${suffix}Error`, {
    parameters: {
      ...kept,
      errorName: sfn.JsonPath.stringAt(`${errorPath}.Error`),
      lambdaError: sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt(`${errorPath}.Cause`)),
    },
  });
  const last = new sfn.Pass(scope, `read${suffix}ErrorDetails`, {
    parameters: {
      ...kept,
      errorName: sfn.JsonPath.stringAt('$.errorName'),
      details: sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt('$.lambdaError.errorMessage')),
    },
  });
  first.next(last);
  return { first, last };
}

function catchBatchErrors(task: tasks.LambdaInvoke, failure: BatchFailurePath): void {
  task.addCatch(failure.handlerErrors, { errors: HANDLER_ERROR_NAMES, resultPath: '$.error' });
  task.addCatch(failure.otherErrors, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
}

function invoke(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  options: {
    payload?: Record<string, unknown>;
    resultSelector?: Record<string, unknown>;
    resultPath?: string;
  },
): tasks.LambdaInvoke {
  // Without resultPath the result replaces the state. ResultPath "$" would mean the same in
  // AWS, but aws-local-stepfunctions 3.0.0 writes the result to a key named "$" instead.
  return new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: options.payload ? sfn.TaskInput.fromObject(options.payload) : undefined,
    resultSelector: options.resultSelector,
    resultPath: options.resultPath,
  });
}

function addRetries(task: tasks.LambdaInvoke, apiErrors: string[]): void {
  task.addRetry({ errors: LAMBDA_SERVICE_ERRORS, ...BACKOFF });
  task.addRetry({ errors: apiErrors, ...BACKOFF });
}

function idPayload(): Record<string, string> {
  return {
    batchId: sfn.JsonPath.stringAt('$.batch.id'),
    anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
  };
}
