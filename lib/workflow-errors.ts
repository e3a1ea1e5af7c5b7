import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';

/** Errors thrown by the handlers, by name. Their Cause carries JSON details (see lambdas/shared). */
export const HANDLER_ERROR_NAMES = [
  'RateLimited',
  'Overloaded',
  'ServerError',
  'ApiTimeout',
  'RequestTimeout',
  'NetworkError',
  'ConnectionFailed',
  'RetryRefused',
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
  'InvalidConfiguration',
  'ApiKeyUnavailable',
  'SubmitOutcomeUnknown',
  'RequestsObjectUnreadable',
];

/**
 * Lambda service faults in which the function never ran, so a retry cannot repeat an API call.
 * Lambda.Unknown is not here: it also covers a function that timed out after calling the API.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/** Errors with which the API tells the caller to slow down. The throttle path handles them and honours retry-after. */
export const THROTTLING_ERRORS = ['RateLimited', 'Overloaded'];

/** Errors after which an idempotent call (retrieve, cancel, delete) can safely be repeated. */
export const TRANSIENT_ERRORS = [
  'ServerError',
  'ApiTimeout',
  'RequestTimeout',
  'NetworkError',
  'ConnectionFailed',
];

/** Errors that prove the create request never reached the API. */
export const CREATE_SAFE_ERRORS = ['ConnectionFailed'];

/** Errors the API returns when a cancel or delete does not fit the batch's processing_status. */
export const WRONG_STATUS_ERRORS = ['InvalidRequest', 'Conflict'];

/** Exponential backoff with full jitter for Retry fields: 2, 4, 8, 16, 32 s, capped at 60 s. */
export const BACKOFF: Omit<sfn.RetryProps, 'errors'> = {
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 5,
  maxDelay: Duration.seconds(60),
  jitterStrategy: sfn.JitterType.FULL,
};

/**
 * Retry of a 404 on a batch that was just created: the API may return 404 for a second or two
 * after a successful create. Three attempts over about 14 s, then the failure names the batch.
 */
export const NOT_FOUND_AFTER_CREATE: sfn.RetryProps = {
  errors: ['BatchNotFound'],
  interval: Duration.seconds(2),
  backoffRate: 2,
  maxAttempts: 3,
};
