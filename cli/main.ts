import { type Command, parseCommandLine } from './arguments';
import { AwsCallError, CliInputError, EXIT_CODES, redactCredentials } from './cli-errors';
import type { CliIo } from './io';
import { createReporter, type Reporter } from './reporter';
import { runStartCommand } from './start-command';
import { runStatusCommand } from './status-command';
import { runSweepCommand } from './sweep-command';
import { helpText } from './usage';

/**
 * Runs the operator CLI with the arguments after the program name and returns the exit code:
 * 0 succeeded, 1 execution failed, 2 usage or input error, 3 AWS error. Any other error is a bug
 * and is thrown.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Read before parsing, so that a usage error is reported as JSON too.
  const reporter = createReporter(io, argv.includes('--json'));
  try {
    const command = parseCommandLine(argv);
    return await runCommand(command, io, reporter);
  } catch (error) {
    return reportError(error, io, reporter);
  }
}

async function runCommand(command: Command, io: CliIo, reporter: Reporter): Promise<number> {
  switch (command.name) {
    case 'help':
      io.stdout.write(`${helpText(command.topic)}\n`);
      return command.missingCommand === true ? EXIT_CODES.usageError : EXIT_CODES.succeeded;
    case 'start':
      return runStartCommand(command, io, reporter);
    case 'status':
      return runStatusCommand(command, io, reporter);
    case 'sweep':
      return runSweepCommand(command, io, reporter);
  }
}

function reportError(error: unknown, io: CliIo, reporter: Reporter): number {
  if (error instanceof CliInputError) {
    reporter.failed(error.name, redactCredentials(error.message, io.env));
    return EXIT_CODES.usageError;
  }
  if (error instanceof AwsCallError) {
    reporter.failed(error.errorName, redactCredentials(error.message, io.env));
    return EXIT_CODES.awsError;
  }
  throw error;
}
