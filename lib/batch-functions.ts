import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The four Message Batches operations, named by their operationId in the workflow. */
export const BATCH_OPERATIONS = [
  'createMessageBatch',
  'cancelMessageBatch',
  'retrieveMessageBatch',
  'deleteMessageBatch',
] as const;

export type BatchOperation = (typeof BATCH_OPERATIONS)[number];

/** Source file of each operation's handler, relative to lambdas/. */
export const HANDLER_FILES: Record<BatchOperation, string> = {
  createMessageBatch: 'create-message-batch.ts',
  cancelMessageBatch: 'cancel-message-batch.ts',
  retrieveMessageBatch: 'retrieve-message-batch.ts',
  deleteMessageBatch: 'delete-message-batch.ts',
};

/**
 * Lambda timeout. One handler call is one HTTP attempt bounded by HTTP_TIMEOUT_MS, plus the
 * secret read. After a 401 it makes a second attempt, because the key may have been rotated.
 * 30 s leaves room for two 10 s attempts and the secret read.
 */
export const LAMBDA_TIMEOUT = Duration.seconds(30);

/** HTTP timeout of one API attempt inside a handler, in milliseconds. */
export const HTTP_TIMEOUT_MS = 10_000;

/** Memory of each handler. 256 MB gives the CPU share for TLS set-up without paying for idle RAM. */
export const LAMBDA_MEMORY_MB = 256;

/** How long a handler keeps the API key cached before reading the secret again, in seconds. */
export const API_KEY_CACHE_SECONDS = 300;

export interface BatchFunctionsProps {
  /** Secret that contains the Anthropic API key; each function may read only this secret. */
  readonly apiKeySecret: secretsmanager.ISecret;
  /** Base URL of the Message Batches API. */
  readonly apiBaseUrl: string;
  /** Log level of the handlers (LOG_LEVEL). */
  readonly logLevel: string;
  /**
   * Lambda timeout of the create function.
   * @default LAMBDA_TIMEOUT, 30 seconds
   */
  readonly createTimeout?: Duration;
  /**
   * Memory of the create function, in MB.
   * @default LAMBDA_MEMORY_MB, 256
   */
  readonly createMemorySize?: number;
}

/** The four handler functions, one per batch operation, each allowed to read only the key secret. */
export class BatchFunctions extends Construct {
  /** The functions by operation. */
  public readonly byOperation: Record<BatchOperation, NodejsFunction>;

  constructor(scope: Construct, id: string, props: BatchFunctionsProps) {
    super(scope, id);
    const entries = BATCH_OPERATIONS.map((operation) => [
      operation,
      createHandlerFunction(this, operation, {
        ...props,
        entryFile: HANDLER_FILES[operation],
        timeout: operation === 'createMessageBatch' ? props.createTimeout : undefined,
        memorySize: operation === 'createMessageBatch' ? props.createMemorySize : undefined,
      }),
    ]);
    this.byOperation = Object.fromEntries(entries) as Record<BatchOperation, NodejsFunction>;
  }
}

/** Settings of one handler function. */
export interface HandlerFunctionProps extends BatchFunctionsProps {
  /** Source file of the handler, relative to lambdas/. */
  readonly entryFile: string;
  /**
   * Lambda timeout.
   * @default LAMBDA_TIMEOUT, 30 seconds
   */
  readonly timeout?: Duration;
  /**
   * Memory, in MB.
   * @default LAMBDA_MEMORY_MB, 256
   */
  readonly memorySize?: number;
}

/**
 * Creates a handler function with its own log group and role, bundled by esbuild. The function
 * may read only the key secret and write only to its log group. The log group and role get the
 * ids `<id>Logs` and `<id>Role` in `scope`.
 */
export function createHandlerFunction(
  scope: Construct,
  id: string,
  props: HandlerFunctionProps,
): NodejsFunction {
  const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  // Its own role replaces the AWSLambdaBasicExecutionRole managed policy, which would let the
  // function write to every log group in the account. This role writes only to its log group.
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  const fn = new NodejsFunction(scope, id, {
    entry: path.join(__dirname, '..', 'lambdas', props.entryFile),
    handler: 'handler',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize ?? LAMBDA_MEMORY_MB,
    timeout: props.timeout ?? LAMBDA_TIMEOUT,
    logGroup,
    role,
    tracing: lambda.Tracing.ACTIVE,
    environment: handlerEnvironment(props),
    bundling: {
      minify: true,
      sourceMap: false,
      target: 'node24',
      format: OutputFormat.CJS,
      // The Node.js 24 runtime ships AWS SDK v3, so the bundle leaves it out.
      externalModules: ['@aws-sdk/*'],
    },
  });
  props.apiKeySecret.grantRead(fn);
  return fn;
}

/** Environment of a handler; the local runner reads the same variables from the template. */
function handlerEnvironment(props: BatchFunctionsProps): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: props.apiBaseUrl,
    API_KEY_SECRET_ID: props.apiKeySecret.secretArn,
    API_KEY_CACHE_SECONDS: String(API_KEY_CACHE_SECONDS),
    HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
    SERVICE_NAME: 'claude-batch-teardown',
    LOG_LEVEL: props.logLevel,
  };
}
