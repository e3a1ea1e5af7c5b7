import { CliUsageError, HELP_TEXT, parseCliArgs, type CliSettings } from './cli-args';
import { startEmulator } from './server';
import type { RequestRecord } from './types';

/** Exit status for an invalid command line, as most Unix tools use. */
const USAGE_EXIT_CODE = 2;

/**
 * Runs the emulator command line. Resolves with the exit status for --help and invalid
 * arguments, and with undefined once the emulator is listening, which then runs until
 * SIGINT or SIGTERM.
 */
export async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<number | undefined> {
  let settings: CliSettings;
  try {
    settings = parseCliArgs(args, env);
  } catch (error) {
    if (error instanceof CliUsageError) {
      console.error(
        `emulator: ${error.message}\nRun "npm run emulator -- --help" for the options.`,
      );
      return USAGE_EXIT_CODE;
    }
    throw error;
  }
  if (settings.help) {
    process.stdout.write(HELP_TEXT);
    return 0;
  }
  await serve(settings);
  return undefined;
}

/** Starts the emulator, logs one line per request, and stops on SIGINT or SIGTERM. */
async function serve(settings: CliSettings): Promise<void> {
  const emulator = await startEmulator({
    port: settings.port,
    apiKeys: [settings.apiKey],
    batchDurationMs: settings.batchDurationMs,
    cancelDelayMs: settings.cancelDelayMs,
    onRequest: logRequest,
  });
  console.log(
    `Message Batches emulator listening on ${emulator.url}; run the workflow against it with ` +
      `ANTHROPIC_API_KEY=<key> npm run local -- examples/cancel-and-delete.json --api-url ${emulator.url} ` +
      '(<key> is the --api-key or EMULATOR_API_KEY value, else DEFAULT_EMULATOR_API_KEY in emulator/options.ts)',
  );
  const stop = (signal: NodeJS.Signals) => {
    void emulator.close().then(() => console.log(`Message Batches emulator stopped on ${signal}`));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Logs a request without its headers, so the API key never reaches the output. */
function logRequest(record: RequestRecord): void {
  const batch = record.batchId === undefined ? '' : ` ${record.batchId}`;
  console.log(`${record.method} ${record.path} -> ${record.status} (${record.route}${batch})`);
}

function describeStartError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return 'the port is already in use; pick another with --port, or --port 0 for a free one';
  }
  return error instanceof Error ? error.message : String(error);
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env).then(
    (exitCode) => {
      if (exitCode !== undefined) {
        process.exitCode = exitCode;
      }
    },
    (error: unknown) => {
      console.error(`emulator: failed to start: ${describeStartError(error)}`);
      process.exitCode = 1;
    },
  );
}
