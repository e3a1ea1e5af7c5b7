import { randomUUID } from 'node:crypto';

/** The subset of the Lambda context object that the handlers read. */
export interface BenchLambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** Builds a context as Lambda passes it to a 256 MB function with a 30 s timeout. */
export function lambdaContext(functionName: string): BenchLambdaContext {
  const deadlineMs = Date.now() + 30_000;
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
}

/** A handler module as the Lambda Node.js runtime loads it. */
export interface HandlerModule {
  handler(event: unknown, context: BenchLambdaContext): Promise<unknown>;
}
