import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { FailurePaths } from './failure-paths';

/** Maximum retry-after wait in seconds. A longer retry-after is waited for this long, then the step is retried. */
export const MAX_RETRY_AFTER_SECONDS = 300;
/** Throttled attempts of one step before the execution fails. */
export const MAX_THROTTLE_RETRIES = 8;
/**
 * 429s without retry-after in a row before the execution fails: the API sends no retry-after
 * when the organization's spend limit is reached, which waiting does not fix.
 */
export const MAX_RATE_LIMITS_WITHOUT_RETRY_AFTER = 3;
/** Upper bounds of the jittered wait in seconds, by throttled attempt (index 1 is the first). */
const BACKOFF_CEILINGS_SECONDS = [2, 2, 4, 8, 16, 32, 60, 60, 60, 60];

/** A Task state that sends 429 and 529 errors to the throttle path. */
export interface ThrottledTask {
  readonly stateName: string;
  readonly task: sfn.TaskStateBase;
}

/**
 * Builds the path that waits out a 429 or 529 and resumes the step that got it.
 *
 * Retry fields wait fixed intervals, so they cannot honour retry-after. Instead each Task
 * catches RateLimited and Overloaded into `$.error`. This path reads retryAfterSeconds from the
 * handler's error details and waits that long (at most MAX_RETRY_AFTER_SECONDS), or a jittered
 * exponential backoff when the server sent none. Then it goes back to the Task. A counter in
 * `$.throttleCount` bounds the attempts, and it disappears when a Task's result replaces the
 * state.
 */
export function addThrottlePath(
  scope: Construct,
  tasks: ThrottledTask[],
  failures: FailurePaths,
): void {
  const resume = new sfn.Choice(scope, 'resumeAfterThrottle');
  for (const { stateName, task } of tasks) {
    resume.when(sfn.Condition.stringEquals('$.throttledStep', stateName), task);
  }

  const read = readThrottleDetails(scope);
  const count = countThrottle(scope);
  read.last.next(count.first);
  configureWaits(scope, count.last, resume, throttleFailure(scope, failures));

  for (const { stateName, task } of tasks) {
    const mark = new sfn.Pass(scope, `${stateName}Throttled`, {
      result: sfn.Result.fromString(stateName),
      resultPath: '$.throttledStep',
    });
    mark.next(read.first);
    task.addCatch(mark, { errors: ['RateLimited', 'Overloaded'], resultPath: '$.error' });
  }
}

function readThrottleDetails(scope: Construct): { first: sfn.Pass; last: sfn.Pass } {
  const first = new sfn.Pass(scope, 'readThrottleError', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.error.Error'),
      lambdaError: sfn.JsonPath.stringToJson(sfn.JsonPath.stringAt('$.error.Cause')),
    },
    resultPath: '$.throttle',
  });
  const last = new sfn.Pass(scope, 'readThrottleDetails', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.throttle.errorName'),
      details: sfn.JsonPath.stringToJson(
        sfn.JsonPath.stringAt('$.throttle.lambdaError.errorMessage'),
      ),
    },
    resultPath: '$.throttle',
  });
  first.next(last);
  return { first, last };
}

function countThrottle(scope: Construct): { first: sfn.Choice; last: sfn.Choice } {
  const increment = new sfn.Pass(scope, 'countThrottle', {
    parameters: { n: sfn.JsonPath.mathAdd(sfn.JsonPath.numberAt('$.throttleCount.n'), 1) },
    resultPath: '$.throttleCount',
  });
  const start = new sfn.Pass(scope, 'startThrottleCount', {
    result: sfn.Result.fromObject({ n: 1 }),
    resultPath: '$.throttleCount',
  });
  const counted = new sfn.Choice(scope, 'isThrottleCounted')
    .when(sfn.Condition.isPresent('$.throttleCount.n'), increment)
    .otherwise(start);
  const chooseWait = new sfn.Choice(scope, 'chooseThrottleWait');
  increment.next(chooseWait);
  start.next(chooseWait);
  return { first: counted, last: chooseWait };
}

/** Routes a counted throttle to a failure, a retry-after wait or a jittered backoff wait. */
function configureWaits(
  scope: Construct,
  chooseWait: sfn.Choice,
  resume: sfn.Choice,
  failure: ThrottleFailures,
): void {
  const retryAfter = '$.throttle.details.retryAfterSeconds';
  const waitRetryAfter = new sfn.Wait(scope, 'waitRetryAfter', {
    time: sfn.WaitTime.secondsPath(retryAfter),
  });
  const waitRetryAfterCap = new sfn.Wait(scope, 'waitRetryAfterCap', {
    time: sfn.WaitTime.duration(Duration.seconds(MAX_RETRY_AFTER_SECONDS)),
  });
  // Full jitter: a whole number of seconds from 1 to the ceiling of this attempt.
  const ceilings = BACKOFF_CEILINGS_SECONDS.join(', ');
  const computeBackoff = new sfn.Pass(scope, 'computeThrottleBackoff', {
    parameters: {
      'seconds.$': `States.MathRandom(1, States.ArrayGetItem(States.Array(${ceilings}), $.throttleCount.n))`,
    },
    resultPath: '$.throttleWait',
  });
  const waitBackoff = new sfn.Wait(scope, 'waitThrottleBackoff', {
    time: sfn.WaitTime.secondsPath('$.throttleWait.seconds'),
  });
  chooseWait
    .when(
      sfn.Condition.numberGreaterThan('$.throttleCount.n', MAX_THROTTLE_RETRIES),
      failure.exhausted,
    )
    .when(
      sfn.Condition.and(
        sfn.Condition.isPresent(retryAfter),
        sfn.Condition.numberGreaterThan(retryAfter, MAX_RETRY_AFTER_SECONDS),
      ),
      waitRetryAfterCap.next(resume),
    )
    .when(sfn.Condition.isPresent(retryAfter), waitRetryAfter.next(resume))
    .when(
      sfn.Condition.and(
        sfn.Condition.stringEquals('$.throttle.errorName', 'RateLimited'),
        sfn.Condition.numberGreaterThanEquals(
          '$.throttleCount.n',
          MAX_RATE_LIMITS_WITHOUT_RETRY_AFTER,
        ),
      ),
      failure.spendLimit,
    )
    .otherwise(computeBackoff.next(waitBackoff).next(resume));
}

interface ThrottleFailures {
  /** Too many throttled attempts. */
  readonly exhausted: sfn.IChainable;
  /** Repeated 429s without retry-after. */
  readonly spendLimit: sfn.IChainable;
}

/** Ends a throttled step that cannot go on, through the submit or batch failure path. */
function throttleFailure(scope: Construct, failures: FailurePaths): ThrottleFailures {
  const exhausted = new sfn.Pass(scope, 'describeThrottleExhausted', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.throttle.errorName'),
      message: sfn.JsonPath.format(
        '{} The step was throttled {} times in a row, so the workflow gave up.',
        sfn.JsonPath.stringAt('$.throttle.details.message'),
        sfn.JsonPath.stringAt('$.throttleCount.n'),
      ),
    },
    resultPath: '$.throttleFailure',
  });
  const spendLimit = new sfn.Pass(scope, 'describeSpendLimit', {
    parameters: {
      errorName: 'RateLimited',
      message: sfn.JsonPath.format(
        '{} The API answered 429 without retry-after {} times in a row, which usually means ' +
          'the organization has reached its spend limit; waiting does not help. Raise the limit ' +
          'in the Claude Console, then start a new execution.',
        sfn.JsonPath.stringAt('$.throttle.details.message'),
        sfn.JsonPath.stringAt('$.throttleCount.n'),
      ),
    },
    resultPath: '$.throttleFailure',
  });
  const route = routeThrottleFailure(scope, failures);
  exhausted.next(route);
  spendLimit.next(route);
  return { exhausted, spendLimit };
}

function routeThrottleFailure(scope: Construct, failures: FailurePaths): sfn.Choice {
  const withoutBatch = new sfn.Pass(scope, 'submitThrottleFailure', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.throttleFailure.errorName'),
      details: { message: sfn.JsonPath.stringAt('$.throttleFailure.message') },
    },
  });
  const withBatch = new sfn.Pass(scope, 'batchThrottleFailure', {
    parameters: {
      errorName: sfn.JsonPath.stringAt('$.throttleFailure.errorName'),
      details: { message: sfn.JsonPath.stringAt('$.throttleFailure.message') },
      batch: sfn.JsonPath.objectAt('$.batch'),
    },
  });
  withoutBatch.next(failures.submitFailed);
  withBatch.next(failures.batchFailed);
  // Before submitBatch or adoptBatch has succeeded the state has no batch summary to name.
  return new sfn.Choice(scope, 'wasBatchCreated')
    .when(
      sfn.Condition.or(
        sfn.Condition.stringEquals('$.throttledStep', 'submitBatch'),
        sfn.Condition.stringEquals('$.throttledStep', 'adoptBatch'),
      ),
      withoutBatch,
    )
    .otherwise(withBatch);
}
