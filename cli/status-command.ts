import type { StatusCommand } from './arguments';
import { describeExecution, exitCodeForStatus } from './executions';
import type { CliIo } from './io';
import type { Reporter } from './reporter';
import { regionFromArn } from './state-machine-arn';

/** Runs `status`: prints one DescribeExecution; exits 1 when the execution did not succeed. */
export async function runStatusCommand(
  command: StatusCommand,
  io: CliIo,
  reporter: Reporter,
): Promise<number> {
  const region = command.common.region ?? regionFromArn(command.executionArn);
  const sfn = io.clients.createSfnClient(region);
  const summary = await describeExecution(sfn, command.executionArn);
  reporter.described(summary);
  return exitCodeForStatus(summary.status);
}
