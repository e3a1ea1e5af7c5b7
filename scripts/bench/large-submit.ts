/**
 * Measurement 6: peak RSS of the create handler submitting large batches, each in a fresh
 * child process that calls the bundled handler directly, with the requests inline in the event
 * or streamed from a requests object in S3.
 */
import { type Emulator, startEmulator } from '../../emulator';
import { S3_CREATE_MEMORY_MB } from '../../lib/requests-bucket';
import { type SynthesizedTeardown, synthesizeTeardown } from '../../local/definition';
import {
  LAMBDA_PAYLOAD_LIMIT_BYTES,
  STATE_PAYLOAD_LIMIT_BYTES,
} from '../../local/lambda-emulation';
import { LOCAL_S3_CREDENTIALS, localS3Environment, toJsonLines } from '../../test/local-s3';
import {
  type SecretsManagerServer,
  startSecretsManagerServer,
  TEST_AWS_SESSION_CREDENTIALS,
} from '../../test/secrets-manager-server';
import { BENCH_API_KEY, type BenchContext, resultPath, writeWorkFile } from './context';
import { BENCH_REGION, BENCH_SECRET_NAME, handlerEnvironment, runChild } from './child-process';
import type { InvokeOnceResult } from './children/invoke-once';
import { readDeployedSettings } from './deployed-settings';
import { type BenchRequest, batchRequests, submitEvent } from './events';
import { type Summary, summarize } from './stats';

/** Batch size that the create path cannot take inline, only from S3. */
export const UNSUPPORTED_SUBMIT_SIZE = 100_000;

/** Bucket of the local S3 server that contains the requests objects. */
export const BENCH_REQUESTS_BUCKET = 'bench-requests';

/** Key prefix of the requests objects, set as the stack's requestsPrefix. */
const REQUESTS_PREFIX = 'batches/';

export interface LargeSubmitRow {
  readonly requests: number;
  /** Size of the handler's event as JSON. */
  readonly eventBytes: number;
  /** Whether the input fits the 256 KiB Step Functions execution input limit. */
  readonly fitsExecutionInput: boolean;
  /** Whether the event fits the 6 MB synchronous Lambda payload limit. */
  readonly fitsLambdaPayload: boolean;
  /** Peak RSS of the child, in MiB; absent for a size that was not run. */
  readonly peakRssMiB?: Summary;
  /** Peak RSS before the invocation (bundle loaded, event parsed), in MiB. */
  readonly rssBeforeInvokeMiB?: Summary;
  readonly invokeMs?: Summary;
}

/** One requests object in S3 and the submits that streamed it. */
export interface LargeS3SubmitRow {
  readonly requests: number;
  /** Length of each request's prompt, in characters. */
  readonly promptChars: number;
  /** Size of the JSON Lines object. */
  readonly objectBytes: number;
  /** Peak RSS (VmHWM) of the child, in MiB. */
  readonly peakRssMiB: Summary;
  /** Peak RSS before the invocation (bundle loaded, event parsed), in MiB. */
  readonly rssBeforeInvokeMiB: Summary;
  readonly invokeMs: Summary;
}

/** Results of measurement 6. */
export interface LargeSubmitResult {
  /** Submits with the requests in the event. The largest size is only checked against limits. */
  readonly inline: LargeSubmitRow[];
  /** The same requests as the inline rows, streamed from S3, one row per S3 size. */
  readonly s3: LargeS3SubmitRow[];
  /** The largest S3 size again, with longer prompts, so that only the object's bytes differ. */
  readonly s3LongPrompts: LargeS3SubmitRow;
  /** Memory of the create function in a stack with a requests bucket, in MB. */
  readonly s3FunctionMemoryMb: number;
}

/** A requests object uploaded to the local S3 server, with the event that names it. */
interface UploadedObject {
  readonly requests: number;
  readonly promptChars: number;
  readonly objectBytes: number;
  readonly eventFile: string;
}

/** Runs the inline sizes, then the S3 objects, each sample in a fresh process. */
export async function measureLargeSubmits(context: BenchContext): Promise<LargeSubmitResult> {
  const inline = await measureInlineSubmits(context);
  const s3 = await measureS3Submits(context);
  return { inline, ...s3, s3FunctionMemoryMb: S3_CREATE_MEMORY_MB };
}

/** Runs each inline size in fresh processes, and sizes the 100,000-request event only. */
async function measureInlineSubmits(context: BenchContext): Promise<LargeSubmitRow[]> {
  const rows: LargeSubmitRow[] = [];
  for (const size of context.settings.largeSubmitSizes) {
    const event = submitEvent(context.synthesized, { requests: batchRequests(size) });
    const eventFile = writeWorkFile(context, `submit-${size}`, event);
    const results: InvokeOnceResult[] = [];
    for (let sample = 0; sample < context.settings.largeSubmitSamples; sample += 1) {
      const result = await runChild<InvokeOnceResult>(
        context.children.invokeOnce,
        [context.bundles.handlers.createMessageBatch.file, eventFile],
        context.childEnv,
        resultPath(context, 'submit'),
      );
      if (result.error !== undefined) {
        throw new Error(`Submitting ${size} requests failed: ${result.error}`);
      }
      results.push(result);
    }
    rows.push({
      ...sizeLimits(size, results[0]?.eventBytes ?? 0),
      peakRssMiB: summarize(results.map((r) => r.peakRssKb / 1024)),
      rssBeforeInvokeMiB: summarize(results.map((r) => r.peakRssBeforeInvokeKb / 1024)),
      invokeMs: summarize(results.map((r) => r.invokeMs)),
    });
  }
  const unsupported = submitEvent(context.synthesized, {
    requests: batchRequests(UNSUPPORTED_SUBMIT_SIZE),
  });
  rows.push(sizeLimits(UNSUPPORTED_SUBMIT_SIZE, Buffer.byteLength(JSON.stringify(unsupported))));
  return rows;
}

function sizeLimits(requests: number, eventBytes: number): LargeSubmitRow {
  return {
    requests,
    eventBytes,
    fitsExecutionInput: eventBytes <= STATE_PAYLOAD_LIMIT_BYTES,
    fitsLambdaPayload: eventBytes <= LAMBDA_PAYLOAD_LIMIT_BYTES,
  };
}

/**
 * Uploads one JSON Lines object per S3 size, plus the long-prompt object, and submits each
 * from a fresh process. Every round runs each object once, so a change in the machine's load
 * during the measurement affects all sizes alike.
 */
async function measureS3Submits(
  context: BenchContext,
): Promise<Pick<LargeSubmitResult, 's3' | 's3LongPrompts'>> {
  const { settings } = context;
  if (settings.largeS3SubmitSizes.length === 0) {
    throw new Error(
      'largeS3SubmitSizes in the bench settings is empty. List at least one batch size.',
    );
  }
  const synthesized = synthesizeTeardown(readDeployedSettings().teardownProps, {
    bucketName: BENCH_REQUESTS_BUCKET,
    prefix: REQUESTS_PREFIX,
  });
  const sweep: UploadedObject[] = [];
  for (const size of settings.largeS3SubmitSizes) {
    sweep.push(await uploadObject(context, synthesized, size, batchRequests));
  }
  const largest = Math.max(...settings.largeS3SubmitSizes);
  const longPrompts = await uploadObject(context, synthesized, largest, longPromptRequests);
  const objects = [...sweep, longPrompts];
  const servers = await startS3SubmitServers();
  try {
    const env = s3ChildEnvironment(context, synthesized, servers);
    const results = objects.map((): InvokeOnceResult[] => []);
    for (let sample = 0; sample < settings.largeSubmitSamples; sample += 1) {
      for (const [index, object] of objects.entries()) {
        results[index]?.push(await submitFromS3(context, servers.emulator, env, object));
      }
    }
    return {
      s3: sweep.map((object, index) => s3Row(object, results[index] ?? [])),
      s3LongPrompts: s3Row(longPrompts, results[sweep.length] ?? []),
    };
  } finally {
    await servers.emulator.close();
    await servers.secretsManager.close();
  }
}

/** The emulator and Secrets Manager stand-in that only the S3 submits call. */
interface S3SubmitServers {
  readonly emulator: Emulator;
  readonly secretsManager: SecretsManagerServer;
}

/**
 * Starts servers apart from the bench's own. The emulator keeps every request it receives, so
 * a new one, closed afterwards, keeps hundreds of MiB of requests out of the later
 * measurements. The handler signs its S3 and Secrets Manager requests with the same
 * credentials, so this stand-in accepts the key pair that s3rver accepts.
 */
async function startS3SubmitServers(): Promise<S3SubmitServers> {
  const emulator = await startEmulator({ apiKeys: [BENCH_API_KEY] });
  const secretsManager = await startSecretsManagerServer({
    credentials: {
      ...LOCAL_S3_CREDENTIALS,
      sessionToken: TEST_AWS_SESSION_CREDENTIALS.sessionToken,
    },
    region: BENCH_REGION,
    secrets: { [BENCH_SECRET_NAME]: BENCH_API_KEY },
  });
  return { emulator, secretsManager };
}

function s3Row(object: UploadedObject, samples: InvokeOnceResult[]): LargeS3SubmitRow {
  return {
    requests: object.requests,
    promptChars: object.promptChars,
    objectBytes: object.objectBytes,
    peakRssMiB: summarize(samples.map((r) => r.peakRssKb / 1024)),
    rssBeforeInvokeMiB: summarize(samples.map((r) => r.peakRssBeforeInvokeKb / 1024)),
    invokeMs: summarize(samples.map((r) => r.invokeMs)),
  };
}

/** Builds the bench's requests with each prompt padded to largeS3SubmitLongPromptChars. */
function longPromptRequests(count: number, context: BenchContext): BenchRequest[] {
  const promptChars = context.settings.largeS3SubmitLongPromptChars;
  return batchRequests(count).map((request) => ({
    ...request,
    params: {
      ...request.params,
      messages: request.params.messages.map((message) => ({
        ...message,
        content: message.content.padEnd(promptChars, ' x'),
      })),
    },
  }));
}

async function uploadObject(
  context: BenchContext,
  synthesized: SynthesizedTeardown,
  count: number,
  buildRequests: (count: number, context: BenchContext) => BenchRequest[],
): Promise<UploadedObject> {
  const requests = buildRequests(count, context);
  const promptChars = requests[0]?.params.messages[0]?.content.length ?? 0;
  const body = toJsonLines(requests);
  const key = `${REQUESTS_PREFIX}${count}-requests-${promptChars}-char-prompts.jsonl`;
  await context.requestsS3.putObject(BENCH_REQUESTS_BUCKET, key, body);
  const requestsS3Uri = `s3://${BENCH_REQUESTS_BUCKET}/${key}`;
  const eventFile = writeWorkFile(
    context,
    `submit-s3-${count}`,
    submitEvent(synthesized, { requestsS3Uri }),
  );
  return { requests: count, promptChars, objectBytes: Buffer.byteLength(body), eventFile };
}

/**
 * Environment of the create function in a stack with a requests bucket (REQUESTS_BUCKET,
 * REQUESTS_PREFIX, UPLOAD_TIMEOUT_MS from the template), with its S3 client pointed at s3rver
 * and signing with the key pair that s3rver accepts.
 */
function s3ChildEnvironment(
  context: BenchContext,
  synthesized: SynthesizedTeardown,
  servers: S3SubmitServers,
): NodeJS.ProcessEnv {
  return {
    ...handlerEnvironment({
      apiUrl: servers.emulator.url,
      secretsManagerUrl: servers.secretsManager.endpoint,
      secretArn: servers.secretsManager.secretArn(BENCH_SECRET_NAME),
      templateEnvironment: synthesized.environment,
      workDir: context.workDir,
      providedApiKey: BENCH_API_KEY,
    }),
    ...localS3Environment(context.requestsS3.endpoint),
  };
}

/** Submits one object in a fresh process and checks that the emulator got every request. */
async function submitFromS3(
  context: BenchContext,
  emulator: Emulator,
  env: NodeJS.ProcessEnv,
  object: UploadedObject,
): Promise<InvokeOnceResult> {
  const batchesBefore = emulator.ledger().length;
  const result = await runChild<InvokeOnceResult>(
    context.children.invokeOnce,
    [context.bundles.handlers.createMessageBatch.file, object.eventFile],
    env,
    resultPath(context, 'submit-s3'),
  );
  const description = `${object.requests} requests with ${object.promptChars}-character prompts`;
  if (result.error !== undefined) {
    throw new Error(`Submitting ${description} from S3 failed: ${result.error}`);
  }
  const created = emulator.ledger().slice(batchesBefore);
  const counts = created.map((batch) => batch.requestCount).join(', ') || 'none';
  if (created.length !== 1 || created[0]?.requestCount !== object.requests) {
    throw new Error(
      `Submitting ${description} from S3 created batches of ${counts} requests in the emulator; expected one batch of ${object.requests}.`,
    );
  }
  return result;
}
