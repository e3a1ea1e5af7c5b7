import { parseArgs } from 'node:util';

import { DEFAULT_EMULATOR_API_KEY } from './options';

/** Default port of `npm run emulator`; --port changes it. */
export const DEFAULT_CLI_PORT = 8787;

/** Settings of the emulator command line. */
export interface CliSettings {
  readonly help: boolean;
  readonly port: number;
  readonly apiKey: string;
  readonly batchDurationMs: number;
  readonly cancelDelayMs: number;
}

/** Thrown on an unknown flag or an invalid value; the command exits with status 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export const HELP_TEXT = `Usage: npm run emulator -- [options]

Starts the local emulator of the Claude Message Batches API on 127.0.0.1.

Options:
  --port N               TCP port to listen on; 0 picks a free port (default ${DEFAULT_CLI_PORT})
  --api-key KEY          API key that requests must send in x-api-key or as a Bearer token
                         (default: the EMULATOR_API_KEY environment variable, else
                         DEFAULT_EMULATOR_API_KEY from emulator/options.ts)
  --batch-duration-ms N  milliseconds after create at which an in_progress batch ends
                         with every request succeeded (default 60000)
  --cancel-delay-ms N    milliseconds after a cancel request at which a canceling batch
                         ends with every request canceled (default 3000)
  -h, --help             print this help and exit
`;

/** Parses the emulator's arguments; throws CliUsageError with a message that names the bad flag. */
export function parseCliArgs(args: readonly string[], env: NodeJS.ProcessEnv): CliSettings {
  const { values } = parseFlags(args);
  const apiKey = values['api-key'] ?? env.EMULATOR_API_KEY ?? DEFAULT_EMULATOR_API_KEY;
  if (apiKey === '') {
    throw new CliUsageError('--api-key and EMULATOR_API_KEY must not be empty');
  }
  return {
    help: values.help ?? false,
    port: parseInteger('--port', values.port, DEFAULT_CLI_PORT, 65_535),
    apiKey,
    batchDurationMs: parseInteger('--batch-duration-ms', values['batch-duration-ms'], 60_000),
    cancelDelayMs: parseInteger('--cancel-delay-ms', values['cancel-delay-ms'], 3_000),
  };
}

function parseFlags(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        port: { type: 'string' },
        'api-key': { type: 'string' },
        'batch-duration-ms': { type: 'string' },
        'cancel-delay-ms': { type: 'string' },
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliUsageError(reason, { cause: error });
  }
}

function parseInteger(
  flag: string,
  raw: string | undefined,
  defaultValue: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (raw === undefined) {
    return defaultValue;
  }
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > max) {
    throw new CliUsageError(
      `${flag} must be an integer from 0 to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
