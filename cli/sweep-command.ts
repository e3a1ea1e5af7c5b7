import { validateSweepCriteria } from '../lambdas/shared/sweep-criteria';
import type { SweepCommand } from './arguments';
import { CliInputError } from './cli-errors';
import type { CliIo } from './io';
import type { Reporter } from './reporter';
import { startAndFollow } from './start-and-follow';
import { resolveStateMachineArn, SWEEP_ARN_SOURCES } from './state-machine-arn';

/** Execution input of the sweep state machine; the sweep fills in what is left out. */
export interface SweepInput {
  readonly dryRun: boolean;
  readonly olderThanHours?: number;
  readonly processingStatus?: string;
  readonly maxBatches?: number;
}

/** Runs `sweep`: starts (and with --wait follows) an execution of the sweep state machine. */
export async function runSweepCommand(
  command: SweepCommand,
  io: CliIo,
  reporter: Reporter,
): Promise<number> {
  const input = buildSweepInput(command);
  try {
    // The sweep's own checks, such as the upper limits of maxBatches and olderThanHours.
    validateSweepCriteria(input);
  } catch (error) {
    throw new CliInputError('InvalidInput', (error as Error).message);
  }
  const stateMachineArn = await resolveStateMachineArn(
    {
      ...SWEEP_ARN_SOURCES,
      optionValue: command.sweepArn,
      stackName: command.common.stackName,
      region: command.common.region,
    },
    io,
  );
  return startAndFollow(
    {
      request: { stateMachineArn, input },
      wait: command.wait,
      region: command.common.region,
    },
    io,
    reporter,
  );
}

/** Builds the sweep input from the options; an option not given is left out of the input. */
export function buildSweepInput(command: SweepCommand): SweepInput {
  return {
    dryRun: command.dryRun,
    ...(command.olderThanHours === undefined ? {} : { olderThanHours: command.olderThanHours }),
    ...(command.processingStatus === undefined
      ? {}
      : { processingStatus: command.processingStatus }),
    ...(command.maxBatches === undefined ? {} : { maxBatches: command.maxBatches }),
  };
}
