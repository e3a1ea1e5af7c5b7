import { regionFromArn } from './state-machine-arn';
import { EXIT_CODES } from './cli-errors';
import { exitCodeForStatus, startExecution, type StartRequest } from './executions';
import { followExecution } from './follow-execution';
import type { CliIo } from './io';
import type { Reporter } from './reporter';

/** Options of startAndFollow, which the start and sweep commands share. */
export interface StartAndFollowOptions {
  readonly request: StartRequest;
  /** Follows the execution to its end when true; returns after the start when false. */
  readonly wait: boolean;
  /** --region; undefined uses the region of the state machine ARN. */
  readonly region?: string;
}

/**
 * Starts an execution, reports it, and with `wait` follows it to the end. Returns the exit code:
 * 0 once started without `wait`, else the code for the final status.
 */
export async function startAndFollow(
  options: StartAndFollowOptions,
  io: CliIo,
  reporter: Reporter,
): Promise<number> {
  const region = options.region ?? regionFromArn(options.request.stateMachineArn);
  const sfn = io.clients.createSfnClient(region);
  const started = await startExecution(sfn, options.request);
  reporter.started(started.executionArn, started.startDate);
  if (!options.wait) {
    return EXIT_CODES.succeeded;
  }
  const summary = await followExecution({
    sfn,
    executionArn: started.executionArn,
    reporter,
    sleep: io.sleep,
  });
  reporter.finished(summary);
  return exitCodeForStatus(summary.status);
}
