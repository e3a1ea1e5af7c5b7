import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import type { BatchOperation } from './batch-functions';
import { batchNotEndedPath, buildFailurePaths, type FailurePaths } from './failure-paths';
import { addThrottlePath } from './throttle-path';
import {
  BACKOFF,
  CREATE_SAFE_ERRORS,
  HANDLER_ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  NOT_FOUND_AFTER_CREATE,
  TRANSIENT_ERRORS,
  WRONG_STATUS_ERRORS,
} from './workflow-errors';

export { HANDLER_ERROR_NAMES } from './workflow-errors';

/** Poll settings of the teardown state machine. */
export interface PollSettings {
  /** Time between two retrieves of the batch. */
  readonly pollInterval: Duration;
  /** Retrieves after the first one before the execution fails with BatchNotEnded. */
  readonly maxPollRetries: number;
}

/** Delete attempts after transient errors before the execution fails naming the batch. */
export const MAX_DELETE_ATTEMPTS = 6;

/**
 * Builds the teardown workflow: submitBatch, requestCancel, then a pollUntilEnded loop of one
 * Task, one Choice and one Wait state per cycle, and deleteBatch. Every failure after the create
 * ends in a Fail state whose cause names the batch id and its last processing_status.
 *
 * State after submitBatch: `{anthropicVersion, batch, pollCount, deleteAttempts}`, where batch
 * is the summary the handlers return (never the requests).
 */
export function buildTeardownDefinition(
  scope: Construct,
  functions: Record<BatchOperation, lambda.IFunction>,
  settings: PollSettings,
): sfn.IChainable {
  const failures = buildFailurePaths(scope);
  const submitBatch = submitStep(scope, functions.createMessageBatch);
  const adoptBatch = adoptStep(scope, functions.retrieveMessageBatch);
  const requestCancel = cancelStep(scope, functions.cancelMessageBatch);
  const poll = pollLoop(scope, functions.retrieveMessageBatch, settings);
  const deleteBatch = deleteStep(scope, functions.deleteMessageBatch, failures, poll.wait);
  poll.whenEnded(deleteBatch);

  // The API rejects a cancel of a batch that ended before the request with 400 or 409. Polling
  // confirms its processing_status, and the loop deletes it once it reads "ended".
  requestCancel.addCatch(poll.task, { errors: WRONG_STATUS_ERRORS, resultPath: '$.cancelError' });
  addThrottlePath(
    scope,
    [
      { stateName: 'submitBatch', task: submitBatch },
      { stateName: 'adoptBatch', task: adoptBatch },
      { stateName: 'requestCancel', task: requestCancel },
      { stateName: 'pollUntilEnded', task: poll.task },
      { stateName: 'deleteBatch', task: deleteBatch },
    ],
    failures,
  );
  // Catchers match in order, so the catch-alls come after the throttle catchers added above.
  catchSubmitErrors(submitBatch, failures);
  catchSubmitErrors(adoptBatch, failures);
  for (const task of [requestCancel, poll.task, deleteBatch]) {
    catchBatchErrors(task, failures);
  }
  submitBatch.next(requestCancel).next(poll.task);
  // The API rejects a cancel of a batch that has already ended with 400, which would count as an error of
  // the cancel function and trip its alarm on every sweep, so an ended batch skips the cancel.
  adoptBatch.next(
    new sfn.Choice(scope, 'isAdoptedBatchEnded')
      .when(sfn.Condition.stringEquals('$.batch.processing_status', 'ended'), deleteBatch)
      .otherwise(requestCancel),
  );
  // An input with batchId names a batch that exists already: adoptBatch validates the input
  // and retrieves the batch instead of creating one. Every other input goes to submitBatch,
  // whose validation rejects it if it is not a valid requests input.
  return new sfn.Choice(scope, 'selectInputMode')
    .when(sfn.Condition.isPresent('$.batchId'), adoptBatch)
    .otherwise(submitBatch);
}

function submitStep(scope: Construct, fn: lambda.IFunction): tasks.LambdaInvoke {
  const submitBatch = invoke(scope, 'submitBatch', fn, {
    // The execution input comes from the context object, so a resumed submit sends the same
    // requests whatever the throttle path added to the state.
    payload: { executionInput: sfn.JsonPath.objectAt('$$.Execution.Input') },
    resultSelector: initialState(),
  });
  // Create has no idempotency key: only errors that prove no batch was made are retried.
  submitBatch.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...CREATE_SAFE_ERRORS], ...BACKOFF });
  return submitBatch;
}

/** Validates a `{"batchId": ...}` input and retrieves the batch, which must exist. */
function adoptStep(scope: Construct, fn: lambda.IFunction): tasks.LambdaInvoke {
  const adoptBatch = invoke(scope, 'adoptBatch', fn, {
    payload: { executionInput: sfn.JsonPath.objectAt('$$.Execution.Input') },
    resultSelector: initialState(),
  });
  adoptBatch.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...TRANSIENT_ERRORS], ...BACKOFF });
  return adoptBatch;
}

function catchSubmitErrors(submitBatch: tasks.LambdaInvoke, failures: FailurePaths): void {
  const handlerErrors = HANDLER_ERROR_NAMES.filter((name) => !isThrottling(name));
  // These catchers replace the state with the error: nothing else is needed once the submit has
  // failed, and the input may not be an object that an error could be merged into.
  submitBatch.addCatch(failures.submitHandlerError, { errors: handlerErrors });
  submitBatch.addCatch(failures.submitOtherError, { errors: [sfn.Errors.ALL] });
}

function cancelStep(scope: Construct, fn: lambda.IFunction): tasks.LambdaInvoke {
  const requestCancel = invoke(scope, 'requestCancel', fn, {
    payload: idPayload(),
    resultPath: '$.batch',
  });
  addIdempotentRetries(requestCancel);
  return requestCancel;
}

interface PollLoop {
  readonly task: tasks.LambdaInvoke;
  readonly wait: sfn.Wait;
  readonly whenEnded: (next: sfn.IChainable) => void;
}

function pollLoop(scope: Construct, fn: lambda.IFunction, settings: PollSettings): PollLoop {
  const pollUntilEnded = invoke(scope, 'pollUntilEnded', fn, {
    payload: {
      ...idPayload(),
      pollCount: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.pollCount'), 1),
    },
    resultSelector: {
      anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
      pollCount: sfn.JsonPath.numberAt('$.pollCount'),
      batch: sfn.JsonPath.objectAt('$.batch'),
      deleteAttempts: 0,
    },
  });
  addIdempotentRetries(pollUntilEnded);

  const waitBeforePoll = new sfn.Wait(scope, 'waitBeforePoll', {
    time: sfn.WaitTime.duration(settings.pollInterval),
  });
  const isBatchEnded = new sfn.Choice(scope, 'isBatchEnded');
  pollUntilEnded.next(isBatchEnded);
  waitBeforePoll.next(pollUntilEnded);
  return {
    task: pollUntilEnded,
    wait: waitBeforePoll,
    whenEnded: (next) => {
      isBatchEnded
        .when(sfn.Condition.stringEquals('$.batch.processing_status', 'ended'), next)
        .when(
          sfn.Condition.numberGreaterThan('$.pollCount', settings.maxPollRetries),
          batchNotEndedPath(scope, settings.pollInterval.toSeconds()),
        )
        .otherwise(waitBeforePoll);
    },
  };
}

/**
 * Builds the delete step. Transient errors go through a counted loop instead of a Retry field, so the
 * handler learns its attempt number: a 404 on a later attempt means an earlier attempt deleted
 * the batch and its response was lost. A 400 or 409 (the batch has not ended after all) goes
 * back to polling, where the poll budget still applies.
 */
function deleteStep(
  scope: Construct,
  fn: lambda.IFunction,
  failures: FailurePaths,
  waitBeforePoll: sfn.Wait,
): tasks.LambdaInvoke {
  const deleteBatch = invoke(scope, 'deleteBatch', fn, {
    payload: {
      ...idPayload(),
      attempt: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.deleteAttempts'), 1),
    },
  });
  deleteBatch.addRetry({ errors: LAMBDA_SERVICE_ERRORS, ...BACKOFF });
  const count = new sfn.Pass(scope, 'countDeleteAttempt', {
    parameters: {
      anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
      batch: sfn.JsonPath.objectAt('$.batch'),
      pollCount: sfn.JsonPath.numberAt('$.pollCount'),
      deleteAttempts: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.deleteAttempts'), 1),
      error: sfn.JsonPath.objectAt('$.error'),
    },
  });
  const wait = new sfn.Wait(scope, 'waitBeforeDeleteRetry', {
    time: sfn.WaitTime.duration(Duration.seconds(5)),
  });
  const canRetry = new sfn.Choice(scope, 'canRetryDelete')
    .when(
      sfn.Condition.numberGreaterThanEquals('$.deleteAttempts', MAX_DELETE_ATTEMPTS),
      failures.batchHandlerError,
    )
    .otherwise(wait.next(deleteBatch));
  count.next(canRetry);
  deleteBatch.addCatch(count, { errors: TRANSIENT_ERRORS, resultPath: '$.error' });
  deleteBatch.addCatch(waitBeforePoll, {
    errors: WRONG_STATUS_ERRORS,
    resultPath: '$.deleteError',
  });
  return deleteBatch;
}

function isThrottling(name: string): boolean {
  return name === 'RateLimited' || name === 'Overloaded';
}

function addIdempotentRetries(task: tasks.LambdaInvoke): void {
  task.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS, ...TRANSIENT_ERRORS], ...BACKOFF });
  task.addRetry(NOT_FOUND_AFTER_CREATE);
}

function catchBatchErrors(task: tasks.LambdaInvoke, failures: FailurePaths): void {
  const handlerErrors = HANDLER_ERROR_NAMES.filter((name) => !isThrottling(name));
  task.addCatch(failures.batchHandlerError, { errors: handlerErrors, resultPath: '$.error' });
  task.addCatch(failures.batchOtherError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
}

function invoke(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  options: {
    payload: Record<string, unknown>;
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
    payload: sfn.TaskInput.fromObject(options.payload),
    resultSelector: options.resultSelector,
    resultPath: options.resultPath,
  });
}

/** Result selector that turns a batch summary into the state the cancel, poll and delete steps use. */
function initialState(): Record<string, unknown> {
  return {
    anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
    batch: sfn.JsonPath.objectAt('$.batch'),
    pollCount: 0,
    deleteAttempts: 0,
  };
}

function idPayload(): Record<string, string> {
  return {
    batchId: sfn.JsonPath.stringAt('$.batch.id'),
    anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
  };
}
