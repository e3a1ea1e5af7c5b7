import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'aws-cdk-lib';
import { startEmulator } from '../emulator';
import type { BatchTeardownProps } from '../lib/batch-teardown';
import { type AppSettings, readAppSettings } from '../lib/context-settings';
import { checkRunnerOptions, describeParseError } from './cli-options';
import { readInputFile } from './input-file';
import { createProgressFormatter } from './progress';
import { checkS3Endpoint } from './s3-endpoint';
import {
  type HistoryEvent,
  runLocalExecution,
  type LocalRunOptions,
  type LocalRunResult,
} from './run';
import { runLocalSweep } from './sweep';
import { seedSampleBatches } from './sweep-samples';

const USAGE = `Usage: npm run local -- <input.json> [options]

Runs the teardown state machine locally with the real handler code. Without --api-url it
starts the Message Batches emulator on 127.0.0.1 and calls it.

Options:
  --sweep            run the sweep state machine, with the file as the sweep input (such
                     as examples/sweep-dry-run.json). The embedded emulator then starts
                     with four sample batches of different ages
  --api-url URL      call this Message Batches API instead of the embedded emulator;
                     the key comes from ANTHROPIC_API_KEY; https, or http on a loopback host
  --fast             shorten Wait states and Retry intervals to milliseconds
  --s3-endpoint URL  read requestsS3Uri objects from this S3-compatible server, which must
                     be on a loopback host (such as s3rver on 127.0.0.1); the key pair comes
                     from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
  --requests-bucket NAME    bucket that requestsS3Uri may name (default: context
                            requestsBucketName in cdk.json, else none)
  --requests-prefix PREFIX  key prefix that requestsS3Uri must start with (default:
                            context requestsPrefix in cdk.json, else the whole bucket)
  --log-level LEVEL  handler log level: DEBUG, INFO, WARN or ERROR (default: WARN, so
                     the handlers' JSON log lines appear only for retries and failures)
  -h, --help         print this help

Exit codes: 0 succeeded, 1 execution failed, 2 usage or input error.
The last line on stdout is the execution output, or {"error": ..., "cause": ...}.`;

/** Exit code of a usage or input error. */
const USAGE_ERROR = 2;

interface CliArguments {
  inputFile: string;
  sweep: boolean;
  apiUrl?: string;
  fast: boolean;
  logLevel?: string;
  s3EndpointUrl?: string;
  requestsBucket?: string;
  requestsPrefix?: string;
}

async function main(argv: string[]): Promise<number> {
  const args = parseCliArguments(argv);
  if (typeof args === 'number') {
    return args;
  }
  const optionProblem = checkRunnerOptions(args);
  if (optionProblem !== undefined) {
    process.stderr.write(`${optionProblem}\n`);
    return USAGE_ERROR;
  }
  const input = readInputFile(args.inputFile);
  if (input instanceof Error) {
    printFailure('InvalidInput', input.message);
    return USAGE_ERROR;
  }
  const s3Problem = checkS3Endpoint(input, args.s3EndpointUrl) ?? checkS3Credentials(args);
  if (s3Problem !== undefined) {
    printFailure('InvalidInput', s3Problem);
    return USAGE_ERROR;
  }
  const target = await resolveTarget(args);
  if (target instanceof Error) {
    printFailure('InvalidInput', target.message);
    return USAGE_ERROR;
  }
  try {
    process.stdout.write(`Running ${path.basename(args.inputFile)} against ${target.url}\n`);
    const formatEvent = createProgressFormatter();
    const options = {
      input,
      apiUrl: target.url,
      apiKey: target.apiKey,
      fast: args.fast,
      logLevel: args.logLevel,
      teardownProps: settingsFromCdkJson(),
      ...requestsSettings(args),
      onEvent: (event: HistoryEvent) => {
        const line = formatEvent(event);
        if (line !== undefined) {
          process.stdout.write(`${line}\n`);
        }
      },
    };
    const result = args.sweep ? await runLocalSweep(options) : await runLocalExecution(options);
    return printResult(result);
  } finally {
    await target.close();
  }
}

function parseCliArguments(argv: string[]): CliArguments | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'api-url': { type: 'string' },
        sweep: { type: 'boolean', default: false },
        fast: { type: 'boolean', default: false },
        'log-level': { type: 'string' },
        's3-endpoint': { type: 'string' },
        'requests-bucket': { type: 'string' },
        'requests-prefix': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${describeParseError(error)}\n\n${USAGE}\n`);
    return USAGE_ERROR;
  }
  if (parsed.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [inputFile, ...extra] = parsed.positionals;
  if (inputFile === undefined || extra.length > 0) {
    process.stderr.write(`Expected exactly one input file.\n\n${USAGE}\n`);
    return USAGE_ERROR;
  }
  return {
    inputFile,
    sweep: parsed.values.sweep,
    apiUrl: parsed.values['api-url'],
    fast: parsed.values.fast,
    logLevel: parsed.values['log-level']?.toUpperCase() ?? 'WARN',
    s3EndpointUrl: parsed.values['s3-endpoint'],
    requestsBucket: parsed.values['requests-bucket'],
    requestsPrefix: parsed.values['requests-prefix'],
  };
}

interface Target {
  url: string;
  apiKey: string;
  close: () => Promise<void>;
}

async function resolveTarget(args: CliArguments): Promise<Target | Error> {
  if (args.apiUrl !== undefined) {
    const apiKey = process.env.ANTHROPIC_API_KEY;
    if (!apiKey) {
      return new Error(
        '--api-url is set but ANTHROPIC_API_KEY is empty. Fix: export the key first.',
      );
    }
    return { url: args.apiUrl, apiKey, close: () => Promise.resolve() };
  }
  const apiKey = `sk-ant-local-${randomBytes(12).toString('hex')}`;
  const emulator = await startEmulator({
    apiKeys: [apiKey],
    // Short enough that a fast run ends after a few polls, long enough to show canceling.
    cancelDelayMs: args.fast ? 200 : 3_000,
  });
  if (args.sweep) {
    process.stdout.write(`${seedSampleBatches(emulator)}\n`);
  }
  return { url: emulator.url, apiKey, close: () => emulator.close() };
}

/**
 * Returns the requests bucket and S3 endpoint of the run: the bucket from the options, else from
 * the cdk.json context, as a deployment would have it.
 */
function requestsSettings(
  args: CliArguments,
): Pick<LocalRunOptions, 'requestsBucket' | 's3EndpointUrl'> {
  const settings = readCdkJsonSettings();
  const bucketName = args.requestsBucket ?? settings.requestsBucketName;
  const prefix = args.requestsPrefix ?? settings.requestsPrefix;
  return {
    requestsBucket: bucketName === undefined ? undefined : { bucketName, prefix },
    s3EndpointUrl: args.s3EndpointUrl,
  };
}

/** Reads the same context as bin/app.ts, so a local run uses the deployed poll settings. */
function settingsFromCdkJson(): BatchTeardownProps {
  const settings = readCdkJsonSettings();
  return {
    pollInterval: settings.pollInterval,
    maxPollRetries: settings.maxPollRetries,
    apiBaseUrl: settings.apiBaseUrl,
    logLevel: settings.logLevel,
  };
}

function readCdkJsonSettings(): AppSettings {
  const cdkJson = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return readAppSettings(new App({ context: cdkJson.context ?? {} }).node);
}

/** Returns why the S3 key pair is missing when --s3-endpoint is set, or undefined. */
function checkS3Credentials(args: CliArguments): string | undefined {
  if (args.s3EndpointUrl === undefined) return undefined;
  if (process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY) return undefined;
  return (
    '--s3-endpoint is set but AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is empty. Fix: export ' +
    'the key pair of the local server (s3rver accepts S3RVER and S3RVER).'
  );
}

function printResult(result: LocalRunResult): number {
  if (result.status === 'SUCCEEDED') {
    process.stdout.write(`${JSON.stringify(result.output)}\n`);
    return 0;
  }
  printFailure(result.error ?? 'Unknown', result.cause ?? '');
  return 1;
}

function printFailure(error: string, cause: string): void {
  process.stdout.write(`${JSON.stringify({ error, cause })}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    printFailure('LocalRunnerError', error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
