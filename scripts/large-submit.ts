/**
 * Peak RSS of the create handler submitting a requests object from S3, for batches of growing
 * size, to show that memory does not grow with the batch.
 *
 * Each submit runs in a fresh child process that calls the bundled handler once, with s3rver on
 * 127.0.0.1 as S3 and the emulator on 127.0.0.1 as the API, both in this process so that their
 * memory is not counted. Nothing leaves this machine.
 *
 * `npm run bench` (section 6) measures JSON Lines objects at these sizes with repeated samples.
 * This script adds the JSON array format, the largest single request, heap use sampled every
 * 5 ms (which would skew the bench's timings), and options for the prompt size and heap limit.
 *
 * Usage: npx tsx scripts/large-submit.ts [--sizes 1000,10000,100000] [--prompt-chars 500]
 *          [--single-item-bytes 30000000] [--child-node-options=--max-old-space-size=96]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startEmulator } from '../emulator';
import { localS3Environment, makeRequests, startLocalS3, toJsonLines } from '../test/local-s3';
import type { LargeSubmitChildResult } from './large-submit-child';

/** One measured submit. */
export interface LargeS3SubmitRow {
  /** Description of the object, such as `100000 requests, JSON Lines`. */
  readonly label: string;
  readonly requests: number;
  readonly objectBytes: number;
  /** Peak RSS of the child, in MiB. */
  readonly maxRssMiB: number;
  /** Peak RSS of the child before the handler ran (modules loaded), in MiB. */
  readonly maxRssBeforeMiB: number;
  readonly durationMs: number;
  /** Largest V8 heap use and external (Buffer) memory seen by sampling every 5 ms, in MiB. */
  readonly sampledMaxHeapUsedMiB: number;
  readonly sampledMaxExternalMiB: number;
}

/** Settings of measureLargeS3Submits. */
export interface LargeS3SubmitOptions {
  /** Batch sizes to submit, each as JSON Lines and as a JSON array. */
  readonly sizes: readonly number[];
  /** Characters of prompt text in each request. */
  readonly promptChars: number;
  /** Size of the prompt of the one-request object that tests the largest item, in bytes; 0 skips it. */
  readonly singleItemPromptBytes: number;
  /** V8 flags of the child, such as `--max-old-space-size=96` to bound its heap. */
  readonly childNodeOptions?: string;
}

export const DEFAULT_LARGE_S3_SUBMIT_OPTIONS: LargeS3SubmitOptions = {
  sizes: [1_000, 10_000, 100_000],
  promptChars: 500,
  // With the request's other fields, the item stays just below the 32 MB item limit.
  singleItemPromptBytes: 31_990_000,
};

const BUCKET = 'bench-requests';
const API_KEY = 'sk-ant-bench-large-submit';
const REPO_ROOT = path.join(__dirname, '..');

interface RequestsObjectSpec {
  readonly label: string;
  readonly key: string;
  readonly requests: number;
  readonly content: () => string;
}

/** Runs one child per object and returns the rows in order. */
export async function measureLargeS3Submits(
  options: LargeS3SubmitOptions = DEFAULT_LARGE_S3_SUBMIT_OPTIONS,
): Promise<LargeS3SubmitRow[]> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'batch-teardown-large-submit-'));
  const s3 = await startLocalS3([BUCKET]);
  const emulator = await startEmulator({ apiKeys: [API_KEY] });
  try {
    const childScript = await bundleChild(workDir);
    const rows: LargeS3SubmitRow[] = [];
    for (const spec of objectSpecs(options)) {
      const content = spec.content();
      await s3.putObject(BUCKET, spec.key, content);
      const env = {
        ...localS3Environment(s3.endpoint),
        PATH: process.env.PATH,
        NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
        ANTHROPIC_BASE_URL: emulator.url,
        REQUESTS_BUCKET: BUCKET,
        REQUESTS_PREFIX: '',
        LOG_LEVEL: 'WARN',
        BENCH_API_KEY: API_KEY,
        ...(options.childNodeOptions === undefined
          ? {}
          : { NODE_OPTIONS: options.childNodeOptions }),
      };
      const result = await runChild(childScript, `s3://${BUCKET}/${spec.key}`, env);
      const created = emulator.ledger().find((entry) => entry.id === result.batchId);
      if (created?.requestCount !== spec.requests) {
        throw new Error(
          `${spec.label}: the emulator recorded a batch of ${created?.requestCount} requests.`,
        );
      }
      rows.push({
        label: spec.label,
        requests: spec.requests,
        objectBytes: Buffer.byteLength(content),
        maxRssMiB: result.maxRssKiB / 1024,
        maxRssBeforeMiB: result.maxRssBeforeKiB / 1024,
        durationMs: result.durationMs,
        sampledMaxHeapUsedMiB: result.sampledMaxHeapUsedKiB / 1024,
        sampledMaxExternalMiB: result.sampledMaxExternalKiB / 1024,
      });
    }
    return rows;
  } finally {
    await emulator.close();
    await s3.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function objectSpecs(options: LargeS3SubmitOptions): RequestsObjectSpec[] {
  const specs: RequestsObjectSpec[] = [];
  for (const size of options.sizes) {
    const requests = () => makeRequests(size, options.promptChars);
    specs.push({
      label: `${size} requests, JSON Lines`,
      key: `${size}.jsonl`,
      requests: size,
      content: () => toJsonLines(requests()),
    });
    specs.push({
      label: `${size} requests, JSON array`,
      key: `${size}.json`,
      requests: size,
      content: () => JSON.stringify(requests(), null, 1),
    });
  }
  if (options.singleItemPromptBytes === 0) return specs;
  const promptMB = Math.round(options.singleItemPromptBytes / 1_000_000);
  specs.push({
    label: `1 request with a ${promptMB} MB prompt, JSON Lines`,
    key: 'single-large.jsonl',
    requests: 1,
    content: () => toJsonLines(makeRequests(1, options.singleItemPromptBytes)),
  });
  return specs;
}

/** Bundles the child with the handler, as NodejsFunction does, leaving the AWS SDK external. */
async function bundleChild(workDir: string): Promise<string> {
  const outfile = path.join(workDir, 'large-submit-child.js');
  await build({
    entryPoints: [path.join(__dirname, 'large-submit-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  return outfile;
}

function runChild(
  script: string,
  requestsS3Uri: string,
  env: NodeJS.ProcessEnv,
): Promise<LargeSubmitChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, requestsS3Uri], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = Buffer.concat(stdout).toString('utf8').trim().split('\n');
      if (code !== 0) {
        const output = Buffer.concat(stderr).toString('utf8').slice(-2_000);
        reject(new Error(`The child exited with ${code}: ${output}`));
        return;
      }
      resolve(JSON.parse(lines.at(-1) ?? '') as LargeSubmitChildResult);
    });
  });
}

/** Formats the rows as a Markdown table. */
export function formatLargeS3SubmitTable(rows: readonly LargeS3SubmitRow[]): string {
  const lines = [
    '| object | size | peak RSS | RSS before the call | heap used, max sampled | Buffers, max sampled | submit time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const size = `${(row.objectBytes / 1_000_000).toFixed(1)} MB`;
    lines.push(
      `| ${row.label} | ${size} | ${mib(row.maxRssMiB)} | ${mib(row.maxRssBeforeMiB)} | ${mib(row.sampledMaxHeapUsedMiB)} | ${mib(row.sampledMaxExternalMiB)} | ${(row.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  return lines.join('\n');
}

function mib(value: number): string {
  return `${value.toFixed(0)} MiB`;
}

function describeMachine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const memoryGiB = (os.totalmem() / 1024 ** 3).toFixed(0);
  return `${cpu}, ${os.cpus().length} cores, ${memoryGiB} GiB, Node.js ${process.version}, ${os.platform()} ${os.release()}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      'prompt-chars': { type: 'string' },
      'child-node-options': { type: 'string' },
      'single-item-bytes': { type: 'string' },
    },
  });
  const options: LargeS3SubmitOptions = {
    ...DEFAULT_LARGE_S3_SUBMIT_OPTIONS,
    ...(values.sizes === undefined ? {} : { sizes: values.sizes.split(',').map(Number) }),
    ...(values['prompt-chars'] === undefined
      ? {}
      : { promptChars: Number(values['prompt-chars']) }),
    childNodeOptions: values['child-node-options'],
    ...(values['single-item-bytes'] === undefined
      ? {}
      : { singleItemPromptBytes: Number(values['single-item-bytes']) }),
  };
  const rows = await measureLargeS3Submits(options);
  process.stdout.write(`Machine: ${describeMachine()}\n\n${formatLargeS3SubmitTable(rows)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
