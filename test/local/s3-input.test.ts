import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Emulator, startEmulator } from '../../emulator';
import { type LocalRunOptions, type LocalRunResult, runLocalExecution } from '../../local/run';
import {
  type LocalS3,
  localS3Environment,
  makeRequests,
  setEnvironment,
  startLocalS3,
  toJsonLines,
} from '../local-s3';

const API_KEY = 'sk-ant-test-s3-input-key';
const BUCKET = 'team-requests';
const ROOT = path.join(__dirname, '..', '..');

describe('teardown workflow with requestsS3Uri', () => {
  let s3: LocalS3;
  let emulator: Emulator;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET, 'someone-else']);
    await s3.putObject(BUCKET, 'batches/3000.jsonl', toJsonLines(makeRequests(3000)));
    await s3.putObject('someone-else', 'batches/3000.jsonl', toJsonLines(makeRequests(3000)));
    // Everything but the endpoint and region, which the runner sets from s3EndpointUrl.
    const credentials = Object.entries(localS3Environment(s3.endpoint)).filter(
      ([name]) => name !== 'AWS_ENDPOINT_URL_S3' && name !== 'AWS_REGION',
    );
    restoreEnvironment = setEnvironment(Object.fromEntries(credentials));
  });

  afterAll(async () => {
    restoreEnvironment();
    await s3.close();
  });

  beforeEach(async () => {
    emulator = await startEmulator({ apiKeys: [API_KEY], cancelDelayMs: 100 });
  });

  afterEach(async () => {
    await emulator.close();
  });

  function run(input: unknown, options: Partial<LocalRunOptions> = {}): Promise<LocalRunResult> {
    return runLocalExecution({
      input,
      apiUrl: emulator.url,
      apiKey: API_KEY,
      fast: true,
      requestsBucket: { bucketName: BUCKET, prefix: 'batches/' },
      s3EndpointUrl: s3.endpoint,
      ...options,
    });
  }

  it('creates, cancels and deletes a batch of 3000 requests from S3', async () => {
    const result = await run({ requestsS3Uri: `s3://${BUCKET}/batches/3000.jsonl` });

    expect(result.status).toBe('SUCCEEDED');
    const [batch] = emulator.ledger();
    expect(emulator.ledger()).toHaveLength(1);
    expect(batch).toMatchObject({ requestCount: 3000, canceled: true, deleted: true });
    expect(result.output).toEqual({ batchId: batch?.id, deletedId: batch?.id });
  });

  it('rejects a bucket outside the allowed one without an API call', async () => {
    const result = await run({ requestsS3Uri: 's3://someone-else/batches/3000.jsonl' });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toContain(
      'this stack may read requests only from objects under s3://team-requests/batches/',
    );
    expect(emulator.requests()).toEqual([]);
  });

  it('rejects S3 input when no requests bucket is configured', async () => {
    const result = await run(
      { requestsS3Uri: `s3://${BUCKET}/batches/3000.jsonl` },
      { requestsBucket: undefined },
    );

    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toMatch(/the stack was deployed without a requests bucket/);
    expect(emulator.requests()).toEqual([]);
  });

  it('rejects S3 input without a local S3 endpoint', async () => {
    const result = await run(
      { requestsS3Uri: `s3://${BUCKET}/batches/3000.jsonl` },
      { s3EndpointUrl: undefined },
    );

    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toMatch(/the local runner never reads from AWS/);
    expect(result.history).toEqual([]);
  });

  it('fails on an invalid request and leaves no batch', async () => {
    const requests: unknown[] = makeRequests(3000);
    requests[2500] = { custom_id: 'ok-id', params: 'a prompt, not an object' };
    await s3.putObject(BUCKET, 'batches/invalid.jsonl', toJsonLines(requests));

    const result = await run({ requestsS3Uri: `s3://${BUCKET}/batches/invalid.jsonl` });

    expect(result.error).toBe('InvalidInput');
    expect(result.cause).toContain(
      'Invalid requests object s3://team-requests/batches/invalid.jsonl: params at line 2501 is a string of 23 characters',
    );
    expect(emulator.ledger()).toEqual([]);
  });

  it('runs an S3 input from the command line with --s3-endpoint', async () => {
    const inputDir = mkdtempSync(path.join(tmpdir(), 'teardown-s3-input-'));
    const inputFile = path.join(inputDir, 'input.json');
    writeFileSync(
      inputFile,
      JSON.stringify({ requestsS3Uri: `s3://${BUCKET}/batches/3000.jsonl` }),
    );

    const cli = await runCli([
      inputFile,
      '--fast',
      '--s3-endpoint',
      s3.endpoint,
      '--requests-bucket',
      BUCKET,
      '--requests-prefix',
      'batches/',
    ]);

    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      batchId: expect.stringMatching(/^msgbatch_/),
      deletedId: expect.stringMatching(/^msgbatch_/),
    });
  }, 60_000);
});

/** Runs `npm run local` as a child process, as a user does. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}
