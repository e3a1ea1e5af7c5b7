import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Maximum size of a synchronous Lambda request or response payload: 6 MB. */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** Maximum size of a Step Functions state input or output, and of an execution input: 256 KiB. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** A handler as the Lambda Node.js runtime calls it. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Runs a handler in process the way Lambda and Step Functions would: the event and result go
 * through JSON with Lambda's payload limits, and a thrown error reaches the state machine with
 * Error set to its name and Cause set to the JSON {errorType, errorMessage, trace} that the
 * Node.js runtime sends.
 */
export async function invokeLikeLambda(
  handler: LambdaHandler,
  functionName: string,
  event: unknown,
): Promise<unknown> {
  const payload = serialize(event, LAMBDA_PAYLOAD_LIMIT_BYTES, 'Lambda.RequestTooLargeException');
  let result: unknown;
  try {
    result = await handler(JSON.parse(payload), fakeContext(functionName));
  } catch (error) {
    throw asLambdaError(error);
  }
  const response = serialize(
    result ?? null,
    LAMBDA_PAYLOAD_LIMIT_BYTES,
    'Lambda.ResponseSizeTooLarge',
  );
  if (Buffer.byteLength(response) > STATE_PAYLOAD_LIMIT_BYTES) {
    throw namedError(
      'States.DataLimitExceeded',
      `The result of ${functionName} is ${Buffer.byteLength(response)} bytes; a state output may be at most ${STATE_PAYLOAD_LIMIT_BYTES}.`,
    );
  }
  return JSON.parse(response) as unknown;
}

function serialize(value: unknown, limit: number, errorName: string): string {
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > limit) {
    throw namedError(
      errorName,
      `The payload is ${Buffer.byteLength(json)} bytes; Lambda accepts at most ${limit}.`,
    );
  }
  return json;
}

function asLambdaError(error: unknown): Error {
  const source = error instanceof Error ? error : new Error(String(error));
  const cause = JSON.stringify({
    errorType: source.name,
    errorMessage: source.message,
    trace: (source.stack ?? '').split('\n'),
  });
  return namedError(source.name, cause);
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function fakeContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
