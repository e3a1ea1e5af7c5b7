import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { parseHandlerError } from './failure-paths';
import {
  BACKOFF,
  HANDLER_ERROR_NAMES,
  LAMBDA_SERVICE_ERRORS,
  THROTTLING_ERRORS,
  TRANSIENT_ERRORS,
} from './workflow-errors';

/** Settings of the sweep state machine. */
export interface SweepSettings {
  /** Teardown executions that run at the same time. */
  readonly maxConcurrency: number;
  /** Execution timeout of the teardown state machine. Each tearDownBatch Task waits a bit longer. */
  readonly teardownTimeout: Duration;
}

/** Time a tearDownBatch Task waits beyond the teardown's own execution timeout. */
export const TEARDOWN_TASK_MARGIN = Duration.minutes(10);

/**
 * A 429 or 529 on the list call is retried after 15, 30, 60 and 120 s (with full jitter). The
 * list call is read-only, so waiting longer than the server's retry-after costs nothing.
 */
const THROTTLE_BACKOFF: sfn.RetryProps = {
  errors: THROTTLING_ERRORS,
  interval: Duration.seconds(15),
  backoffRate: 2,
  maxAttempts: 4,
  maxDelay: Duration.seconds(120),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * Builds the sweep workflow: selectBatches lists and selects the batches, isDryRun ends a dry
 * run with the selection, and otherwise the tearDownBatches Map runs the teardown state machine
 * on each selected batch (startExecution.sync:2), records each outcome, and summarizeSweep
 * counts them.
 *
 * State after selectBatches: `{selection}`, the select function's output. The Map adds
 * `outcomes`, one `{batchId, outcome, ...}` per selected batch in the same order.
 */
export function buildSweepDefinition(
  scope: Construct,
  selectFunction: lambda.IFunction,
  teardown: sfn.IStateMachine,
  settings: SweepSettings,
): sfn.IChainable {
  const selectBatches = selectStep(scope, selectFunction);
  const tearDownBatches = teardownMap(scope, teardown, settings);
  const summarizeSweep = invoke(scope, 'summarizeSweep', selectFunction, {
    selection: sfn.JsonPath.objectAt('$.selection'),
    outcomes: sfn.JsonPath.listAt('$.outcomes'),
  });
  summarizeSweep.addRetry({ errors: LAMBDA_SERVICE_ERRORS, ...BACKOFF });

  const dryRunComplete = new sfn.Succeed(scope, 'dryRunComplete', {
    comment: 'A dry run ends with the selection: what a sweep would tear down.',
    outputPath: '$.selection',
  });
  const isDryRun = new sfn.Choice(scope, 'isDryRun')
    .when(sfn.Condition.booleanEquals('$.selection.dryRun', true), dryRunComplete)
    .otherwise(tearDownBatches.next(summarizeSweep));
  return selectBatches.next(isDryRun);
}

function selectStep(scope: Construct, fn: lambda.IFunction): tasks.LambdaInvoke {
  const selectBatches = invoke(
    scope,
    'selectBatches',
    fn,
    // The input comes from the context object, and the result replaces the state, so an input
    // that is not an object still reaches the handler's validation.
    { executionInput: sfn.JsonPath.objectAt('$$.Execution.Input') },
    { selection: sfn.JsonPath.objectAt('$') },
  );
  // Listing is read-only, so even Lambda.Unknown (a timeout after some list calls) is retried.
  selectBatches.addRetry({
    errors: [...LAMBDA_SERVICE_ERRORS, 'Lambda.Unknown', ...TRANSIENT_ERRORS],
    ...BACKOFF,
  });
  selectBatches.addRetry(THROTTLE_BACKOFF);

  const selectionFailed = new sfn.Fail(scope, 'selectionFailed', {
    comment: 'Nothing was torn down; the cause is the handler message.',
    errorPath: '$.errorName',
    causePath: '$.details.message',
  });
  const parsed = parseHandlerError(scope, 'Select', '$', []);
  parsed.last.next(selectionFailed);
  selectBatches.addCatch(parsed.first, { errors: HANDLER_ERROR_NAMES });
  return selectBatches;
}

/**
 * Builds the Map state. Its iterator starts one teardown execution per batch with the input
 * `{batchId, anthropicVersion}` and waits for it to end. A failed teardown is caught and
 * recorded, so one batch never stops the others.
 */
function teardownMap(
  scope: Construct,
  teardown: sfn.IStateMachine,
  settings: SweepSettings,
): sfn.Map {
  const tearDownBatch = new tasks.StepFunctionsStartExecution(scope, 'tearDownBatch', {
    stateMachine: teardown,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    input: sfn.TaskInput.fromObject({
      batchId: sfn.JsonPath.stringAt('$.batchId'),
      anthropicVersion: sfn.JsonPath.stringAt('$.anthropicVersion'),
    }),
    // The teardown rejects unknown input fields, so the parent execution id is not added.
    associateWithParent: false,
    resultSelector: { executionArn: sfn.JsonPath.stringAt('$.ExecutionArn') },
    resultPath: '$.execution',
    taskTimeout: sfn.Timeout.duration(settings.teardownTimeout.plus(TEARDOWN_TASK_MARGIN)),
  });
  const recordDeleted = new sfn.Pass(scope, 'recordDeleted', {
    parameters: {
      batchId: sfn.JsonPath.stringAt('$.batchId'),
      outcome: 'deleted',
      executionArn: sfn.JsonPath.stringAt('$.execution.executionArn'),
    },
  });
  // recordFailure keeps the whole error object and summarizeSweep parses its Cause, because a
  // Pass state that reads a missing Cause would fail the Map.
  const recordFailure = new sfn.Pass(scope, 'recordFailure', {
    parameters: {
      batchId: sfn.JsonPath.stringAt('$.batchId'),
      outcome: 'failed',
      error: sfn.JsonPath.objectAt('$.error'),
    },
  });
  tearDownBatch.addCatch(recordFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

  const map = new sfn.Map(scope, 'tearDownBatches', {
    itemsPath: '$.selection.selected',
    itemSelector: {
      batchId: sfn.JsonPath.stringAt('$$.Map.Item.Value.batchId'),
      anthropicVersion: sfn.JsonPath.stringAt('$.selection.anthropicVersion'),
    },
    maxConcurrency: settings.maxConcurrency,
    resultPath: '$.outcomes',
  });
  map.itemProcessor(tearDownBatch.next(recordDeleted));
  return map;
}

function invoke(
  scope: Construct,
  stateName: string,
  fn: lambda.IFunction,
  payload: Record<string, unknown>,
  resultSelector?: Record<string, unknown>,
): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, stateName, {
    lambdaFunction: fn,
    payloadResponseOnly: true,
    retryOnServiceExceptions: false,
    payload: sfn.TaskInput.fromObject(payload),
    resultSelector,
  });
}
