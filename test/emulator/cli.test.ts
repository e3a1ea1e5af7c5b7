import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

import { runCli } from '../../emulator/cli';
import { CliUsageError, DEFAULT_CLI_PORT, HELP_TEXT, parseCliArgs } from '../../emulator/cli-args';
import { DEFAULT_EMULATOR_API_KEY } from '../../emulator';

const ROOT = path.resolve(__dirname, '../..');
const TSX_CLI = path.join(ROOT, 'node_modules/tsx/dist/cli.mjs');

/** Runs emulator/cli.ts through tsx, as `npm run emulator` does, but without npm as a parent process. */
function spawnCli(args: string[]) {
  const child = spawn(process.execPath, [TSX_CLI, 'emulator/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, EMULATOR_API_KEY: undefined },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

describe('parseCliArgs', () => {
  it('uses the defaults without flags', () => {
    expect(parseCliArgs([], {})).toEqual({
      help: false,
      port: DEFAULT_CLI_PORT,
      apiKey: DEFAULT_EMULATOR_API_KEY,
      batchDurationMs: 60_000,
      cancelDelayMs: 3_000,
    });
  });

  it('reads every flag', () => {
    const args = [
      '--port',
      '0',
      '--api-key',
      'k1',
      '--batch-duration-ms',
      '500',
      '--cancel-delay-ms',
      '20',
    ];

    expect(parseCliArgs(args, {})).toEqual({
      help: false,
      port: 0,
      apiKey: 'k1',
      batchDurationMs: 500,
      cancelDelayMs: 20,
    });
  });

  it('takes the key from EMULATOR_API_KEY', () => {
    expect(parseCliArgs([], { EMULATOR_API_KEY: 'from-env' }).apiKey).toBe('from-env');
  });

  it('prefers --api-key to EMULATOR_API_KEY', () => {
    expect(parseCliArgs(['--api-key', 'flag'], { EMULATOR_API_KEY: 'env' }).apiKey).toBe('flag');
  });

  it.each([
    { args: ['--bogus'], message: "Unknown option '--bogus'" },
    { args: ['extra'], message: 'extra' },
    {
      args: ['--port', '70000'],
      message: '--port must be an integer from 0 to 65535, got "70000"',
    },
    { args: ['--port', 'abc'], message: '--port must be an integer' },
    { args: ['--batch-duration-ms', '-5'], message: '--batch-duration-ms' },
    { args: ['--cancel-delay-ms', '1.5'], message: '--cancel-delay-ms must be an integer' },
    { args: ['--api-key', ''], message: '--api-key and EMULATOR_API_KEY must not be empty' },
  ])('rejects $args', ({ args, message }) => {
    const parse = () => parseCliArgs(args, {});

    expect(parse).toThrow(CliUsageError);
    expect(parse).toThrow(message);
  });
});

describe('runCli', () => {
  let errorOutput: jest.SpyInstance;
  let standardOutput: jest.SpyInstance;

  beforeEach(() => {
    errorOutput = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    standardOutput = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => jest.restoreAllMocks());

  it('returns 2 on a bad flag', async () => {
    const exitCode = await runCli(['--bogus'], {});

    expect(exitCode).toBe(2);
    expect(errorOutput).toHaveBeenCalledWith(expect.stringContaining("Unknown option '--bogus'"));
  });

  it('prints the help text and returns 0', async () => {
    const exitCode = await runCli(['--help'], {});

    expect(exitCode).toBe(0);
    expect(standardOutput).toHaveBeenCalledWith(HELP_TEXT);
  });

  it('states the unit of each duration in the help text', () => {
    expect(HELP_TEXT).toMatch(/--batch-duration-ms N\s+milliseconds/);
    expect(HELP_TEXT).toMatch(/--cancel-delay-ms N\s+milliseconds/);
  });
});

describe('emulator command', () => {
  it('prints the URL and stops on SIGTERM', async () => {
    const { child, output } = spawnCli(['--port', '0', '--api-key', 'sk-ant-cli-secret']);
    while (!output().stdout.includes('\n')) {
      await once(child.stdout, 'data');
    }
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output().stdout)?.[1];

    const response = await fetch(`${url}/v1/messages/batches`, {
      headers: { 'x-api-key': 'sk-ant-cli-secret', 'anthropic-version': '2023-06-01' },
    });
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];

    expect(response.status).toBe(200);
    expect(output().stdout).toContain(
      `npm run local -- examples/cancel-and-delete.json --api-url ${url}`,
    );
    expect(output().stdout).not.toContain('sk-ant-cli-secret');
    expect(output().stdout).toContain('stopped on SIGTERM');
    expect(code).toBe(0);
  });
});
