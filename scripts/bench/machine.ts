/** Description of the machine and code that a benchmark run measured. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './bundles';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly ramGiB: number;
  readonly os: string;
  readonly node: string;
  /** Start of the run, ISO 8601 in UTC. */
  readonly date: string;
  /** 1-minute load average at the start; above the core count, other work shared the CPU. */
  readonly loadAverageAtStart: number;
  readonly command: string;
  /** Commit of the measured code, with a note when the work tree had uncommitted changes. */
  readonly commit: string;
  /** Versions of the packages that shape the figures. */
  readonly packages: Record<string, string>;
}

/** Describes this machine, the run's command and the measured commit. */
export function describeMachine(command: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    ramGiB: os.totalmem() / 1024 ** 3,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverageAtStart: os.loadavg()[0] ?? Number.NaN,
    command,
    commit: describeCommit(),
    packages: Object.fromEntries(
      [
        'esbuild',
        'aws-cdk-lib',
        'aws-local-stepfunctions',
        '@anthropic-ai/sdk',
        '@smithy/signature-v4',
      ].map((name) => [name, packageVersion(name)]),
    ),
  };
}

function describeCommit(): string {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const commit = git(['rev-parse', '--short', 'HEAD']);
    return git(['status', '--porcelain']) === '' ? commit : `${commit} with uncommitted changes`;
  } catch {
    return 'unknown (not a git work tree)';
  }
}

function packageVersion(name: string): string {
  try {
    const file = path.join(REPO_ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
