import { validateTeardownInput } from '../lambdas/shared/validate-input';
import { readInputFile } from '../local/input-file';
import { checkInputSize } from '../local/input-limits';
import type { StartCommand } from './arguments';
import { CliInputError } from './cli-errors';
import type { CliIo } from './io';
import type { Reporter } from './reporter';
import { startAndFollow } from './start-and-follow';
import { resolveStateMachineArn, TEARDOWN_ARN_SOURCES } from './state-machine-arn';

/** Runs `start`: validates the input file, then starts (and with --wait follows) an execution. */
export async function runStartCommand(
  command: StartCommand,
  io: CliIo,
  reporter: Reporter,
): Promise<number> {
  const input = readValidInput(command.inputFile);
  const stateMachineArn = await resolveStateMachineArn(
    {
      ...TEARDOWN_ARN_SOURCES,
      optionValue: command.stateMachineArn,
      stackName: command.common.stackName,
      region: command.common.region,
    },
    io,
  );
  return startAndFollow(
    {
      request: { stateMachineArn, input, executionName: command.executionName },
      wait: command.wait,
      region: command.common.region,
    },
    io,
    reporter,
  );
}

/**
 * Reads the input file and runs the checks that the workflow and StartExecution would run, so an
 * invalid input fails here, with exit code 2, before any AWS call. Both input modes pass: new
 * `requests`, or the `batchId` of an existing batch.
 */
function readValidInput(inputFile: string): unknown {
  const input = readInputFile(inputFile);
  if (input instanceof Error) {
    throw new CliInputError('InvalidInput', input.message);
  }
  try {
    validateTeardownInput(input);
  } catch (error) {
    throw new CliInputError('InvalidInput', (error as Error).message);
  }
  const oversize = checkInputSize(input);
  if (oversize !== undefined) {
    throw new CliInputError('InvalidInput', oversize);
  }
  return input;
}
