import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

import { MAX_EXECUTIONS } from './plan';
import { MAX_SEED } from './random';
import { MAX_CONCURRENCY, runSoak } from './runner';
import { formatReport } from './table';

const USAGE = `Usage: npm run soak -- [--executions N] [--seed S] [--concurrency C]

Runs N local executions of the teardown workflow against one emulator, each with a fault
scenario drawn from seed S, then checks that every batch was deleted or named in its
execution's cause. Exit code 0 when none leaked, none was duplicated and every failure named
its batch; 1 otherwise; 2 for a usage error.

  --executions N   executions to run, 1 to ${MAX_EXECUTIONS} (default 200)
  --seed S         seed of the scenario plan, 0 to ${MAX_SEED} (default: a random seed,
                   printed in the report so the run can be replayed)
  --concurrency C  executions in flight at once, 1 to ${MAX_CONCURRENCY} (default 20)
  --help           print this text`;

interface CliSettings {
  readonly executions: number;
  readonly seed: number;
  readonly concurrency: number;
}

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseSettings(argv: readonly string[]): CliSettings | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      executions: { type: 'string' },
      seed: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help === true) {
    return 'help';
  }
  return {
    executions: parseInteger('--executions', values.executions, 200, 1, MAX_EXECUTIONS),
    seed: parseInteger('--seed', values.seed, randomInt(MAX_SEED), 0, MAX_SEED),
    concurrency: parseInteger('--concurrency', values.concurrency, 20, 1, MAX_CONCURRENCY),
  };
}

function parseInteger(
  option: string,
  text: string | undefined,
  defaultValue: number,
  min: number,
  max: number,
): number {
  if (text === undefined) {
    return defaultValue;
  }
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(`${option} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/** Prints a progress line to stderr at every tenth of the executions. */
function reportProgress(ended: number, total: number): void {
  const step = Math.max(1, Math.ceil(total / 10));
  if (ended % step === 0 || ended === total) {
    process.stderr.write(`${ended}/${total} executions ended\n`);
  }
}

async function main(): Promise<number> {
  let settings: CliSettings | 'help';
  try {
    settings = parseSettings(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (settings === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  process.stderr.write(
    `Starting ${settings.executions} executions with seed ${settings.seed}, ${settings.concurrency} at a time\n`,
  );
  const report = await runSoak({ ...settings, onExecutionEnd: reportProgress });
  process.stdout.write(`${formatReport(report)}\n`);
  return report.check.passed ? 0 : 1;
}

main().then(
  // Exits at once, because an execution that hit SoakTimeout may still hold timers.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`The soak failed to run: ${String(error)}\n`);
    process.exit(1);
  },
);
