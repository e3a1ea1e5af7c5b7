import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from './helpers';

const ROOT = path.join(__dirname, '..', '..');

describe('help', () => {
  it.each([
    { args: ['--help'], expected: /Usage: npx claude-batch-teardown <command>/ },
    { args: ['start', '--help'], expected: /--name NAME +execution name/ },
    { args: ['status', '-h'], expected: /Usage: npx claude-batch-teardown status <executionArn>/ },
    { args: ['sweep', '--help'], expected: /--older-than-hours N set olderThanHours/ },
  ])('prints help for $args with exit 0', async ({ args, expected }) => {
    const run = await runCli(args);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(expected);
    expect(run.stdout).toMatch(/Exit codes: 0 succeeded/);
  });

  it('prints the overview and exits 2 without a command', async () => {
    const run = await runCli([]);

    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Commands:/);
  });

  it('exits 2 on an unknown command', async () => {
    const run = await runCli(['stop']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown command "stop"\. Expected one of: start, status, sweep\./);
  });
});

describe('bin', () => {
  it('runs --help from the package.json bin entry', () => {
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = packageJson.bin['claude-batch-teardown'] ?? '';
    const result = spawnSync(process.execPath, [path.join(ROOT, bin), 'start', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Usage: npx claude-batch-teardown start <input.json>/);
  });
});
