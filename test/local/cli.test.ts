import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Emulator, startEmulator } from '../../emulator';

const ROOT = path.join(__dirname, '..', '..');

interface CliRun {
  code: number | null;
  stdout: string;
  lastLine: unknown;
}

/** Runs `npm run local` the way a user does, as a child process of its own. */
function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.trim().split('\n');
      let lastLine: unknown;
      try {
        lastLine = JSON.parse(lines.at(-1) ?? '');
      } catch {
        lastLine = undefined;
      }
      resolve({ code, stdout, lastLine });
    });
  });
}

function writeInput(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'teardown-cli-')), 'input.json');
  writeFileSync(file, content);
  return file;
}

describe('local runner CLI', () => {
  it('runs the example on the embedded emulator', async () => {
    const run = await runCli(['examples/cancel-and-delete.json', '--fast']);

    expect(run.code).toBe(0);
    expect(run.lastLine).toEqual({
      batchId: expect.stringMatching(/^msgbatch_/),
      deletedId: expect.stringMatching(/^msgbatch_/),
    });
    expect(run.stdout).toMatch(/submitBatch\s+in_progress/);
    expect(run.stdout).toMatch(/pollUntilEnded\s+ended/);
  });

  it('runs a sweep on sample batches with --sweep', async () => {
    const run = await runCli(['examples/sweep.json', '--sweep', '--fast']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Created 4 sample batches/);
    expect(run.stdout).toMatch(/tearDownBatch/);
    expect(run.lastLine).toMatchObject({
      dryRun: false,
      examined: 4,
      selectedCount: 2,
      deletedCount: 2,
      failedCount: 0,
      skipped: { tooRecent: 2, statusNotSelected: 0, overMaxBatches: 0 },
    });
  });

  it('calls the server given with --api-url', async () => {
    const emulator: Emulator = await startEmulator({ apiKeys: ['sk-ant-cli'], cancelDelayMs: 50 });
    try {
      const run = await runCli(
        ['examples/with-anthropic-version.json', '--fast', '--api-url', emulator.url],
        { ANTHROPIC_API_KEY: 'sk-ant-cli' },
      );
      expect(run.code).toBe(0);
      const [batch] = emulator.ledger();
      expect(run.lastLine).toEqual({ batchId: batch?.id, deletedId: batch?.id });
      expect(batch?.deleted).toBe(true);
    } finally {
      await emulator.close();
    }
  });

  it('exits 2 on a malformed input file', async () => {
    const run = await runCli([writeInput('{"requests": [')]);
    expect(run.code).toBe(2);
    expect(run.lastLine).toMatchObject({
      error: 'InvalidInput',
      cause: expect.stringMatching(/not valid JSON/),
    });
  });

  it('exits 2 on a missing input file', async () => {
    const run = await runCli(['does-not-exist.json']);
    expect(run.code).toBe(2);
    expect(run.lastLine).toMatchObject({
      error: 'InvalidInput',
      cause: expect.stringMatching(/ENOENT/),
    });
  });

  it('exits 1 with error and cause on a failed execution', async () => {
    const run = await runCli([writeInput('{"requests": []}'), '--fast']);
    expect(run.code).toBe(1);
    expect(run.lastLine).toMatchObject({
      error: 'InvalidInput',
      cause: expect.stringContaining('requests'),
    });
  });

  it('exits 2 when --api-url is given without a key', async () => {
    const run = await runCli(
      ['examples/cancel-and-delete.json', '--api-url', 'http://127.0.0.1:9'],
      {
        ANTHROPIC_API_KEY: '',
      },
    );
    expect(run.code).toBe(2);
    expect(run.lastLine).toMatchObject({ cause: expect.stringContaining('ANTHROPIC_API_KEY') });
  });
});
