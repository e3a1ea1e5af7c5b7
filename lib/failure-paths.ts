import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * The states that end a failed execution. Every entry expects a known state shape, named in
 * its comment, and every failure after the create names the batch id, its last known
 * processing_status and how to delete it.
 */
export interface FailurePaths {
  /** Takes the raw Catch output `{Error, Cause}` of a handler error thrown by submitBatch. */
  readonly submitHandlerError: sfn.IChainable;
  /** Takes the raw Catch output `{Error, Cause}` of any other submitBatch error. */
  readonly submitOtherError: sfn.IChainable;
  /** Takes `{errorName, details: {message}}` when no batch exists. */
  readonly submitFailed: sfn.IChainable;
  /** Takes a state with `batch` and a handler error caught at `$.error`. */
  readonly batchHandlerError: sfn.IChainable;
  /** Takes a state with `batch` and any other error caught at `$.error`. */
  readonly batchOtherError: sfn.IChainable;
  /** Takes `{errorName, details: {message}, batch}`. */
  readonly batchFailed: sfn.IChainable;
}

/** Builds the failure states of the teardown workflow. */
export function buildFailurePaths(scope: Construct): FailurePaths {
  const submitFailed = new sfn.Fail(scope, 'submitFailed', {
    comment: 'No batch was created, or the cause lists the batches that may have been.',
    errorPath: '$.errorName',
    causePath: '$.details.message',
  });
  const submitParsed = parseHandlerError(scope, 'Submit', '$', []);
  submitParsed.last.next(submitFailed);
  // A Lambda timeout or crash during the create may have left a batch behind, so the cause tells the
  // user where to look for it.
  const describeSubmitFault = new sfn.Pass(scope, 'describeSubmitFault', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.Error'),
      details: {
        message: sfn.JsonPath.format(
          'The submit step failed with {}: {}. If it failed after sending the create request, ' +
            'a batch may exist: check the batches created after {} and delete any that are yours.',
          sfn.JsonPath.stringAt('$.Error'),
          sfn.JsonPath.stringAt('$.Cause'),
          sfn.JsonPath.stringAt('$$.Execution.StartTime'),
        ),
      },
    },
  });
  describeSubmitFault.next(submitFailed);

  const batchLeftBehind = new sfn.Fail(scope, 'batchLeftBehind', {
    comment: 'A batch exists and was not deleted; the cause names it.',
    errorPath: '$.errorName',
    causePath: '$.cause',
  });
  const describeFailure = describeBatchFailure(scope, 'describeBatchFailure', '$.details.message');
  describeFailure.next(batchLeftBehind);
  const batchParsed = parseHandlerError(scope, 'Batch', '$.error', ['batch']);
  batchParsed.last.next(describeFailure);
  const describeFault = describeBatchFailure(
    scope,
    'describeBatchFault',
    '$.error.Cause',
    '$.error.Error',
  );
  describeFault.next(batchLeftBehind);

  return {
    submitHandlerError: submitParsed.first,
    submitOtherError: describeSubmitFault,
    submitFailed,
    batchHandlerError: batchParsed.first,
    batchOtherError: describeFault,
    batchFailed: describeFailure,
  };
}

/** Ends the execution with BatchNotEnded when the poll budget is spent; the batch is kept. */
export function batchNotEndedPath(scope: Construct, pollIntervalSeconds: number): sfn.IChainable {
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
        String(pollIntervalSeconds),
        sfn.JsonPath.stringAt('$.batch.processing_status'),
      ),
    },
  });
  return describe.next(
    new sfn.Fail(scope, 'batchNotEnded', { error: 'BatchNotEnded', causePath: '$.cause' }),
  );
}

function describeBatchFailure(
  scope: Construct,
  stateName: string,
  messagePath: string,
  errorNamePath = '$.errorName',
): sfn.Pass {
  const template =
    '{} Batch {} was not deleted; its last known processing_status is {}. ' +
    'Delete it once it has ended: start this workflow with its batchId, or DELETE /v1/messages/batches/{}.';
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
export function parseHandlerError(
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
