import {
  DEFAULT_MAX_BATCHES,
  DEFAULT_OLDER_THAN_HOURS,
  DEFAULT_PROCESSING_STATUS,
  MAX_BATCHES_LIMIT,
  MAX_OLDER_THAN_HOURS,
} from '../lambdas/shared/sweep-criteria';
import type { CommandName } from './arguments';

const STACK_NAME_OPTION = `  --stack-name NAME    CloudFormation stack whose outputs give the state machine ARN
                       (default: ClaudeBatchTeardown)`;

const COMMON_OPTIONS = `  --region REGION      AWS region of the calls (default: the region in the state machine
                       or execution ARN; to read the stack, the SDK's chain: AWS_REGION,
                       then the profile)
  --json               print one JSON object per line instead of text; the last line is
                       the result or the error
  -h, --help           print this help`;

const EXIT_CODES = `Exit codes: 0 succeeded, 1 execution failed, timed out or was aborted, 2 usage or input
error, 3 AWS error (the SDK exception's name and message are printed).`;

const OVERVIEW = `Usage: npx claude-batch-teardown <command> [options]

Starts and follows executions of the deployed teardown state machine.

Commands:
  start <input.json>   validate the input and start an execution
  status <executionArn>
                       print the status, times and output or error of an execution
  sweep                start an execution of the sweep state machine

Run npx claude-batch-teardown <command> --help for the options of a command.
Credentials and region come from the standard AWS SDK chain.

${EXIT_CODES}`;

const START = `Usage: npx claude-batch-teardown start <input.json> [options]

Validates the execution input ({"requests": [...]} or {"batchId": "msgbatch_..."}, with the
workflow's own checks and the 256 KiB limit of Step Functions) before any AWS call, then starts
an execution of the teardown state machine and prints its ARN.

Options:
  --name NAME          execution name, unique per state machine until 90 days after its
                       execution ends; starting again with the same name and input while
                       it runs returns the same execution (default: a UUID chosen by
                       Step Functions)
  --wait               follow the execution: print each state as it exits (elapsed seconds
                       since the start, state name, processing_status), then the output or
                       {"error", "cause"}; stopping the CLI does not stop the execution
  --state-machine-arn ARN
                       state machine to start (default: STATE_MACHINE_ARN, then the stack
                       output StateMachineArn)
${STACK_NAME_OPTION}
${COMMON_OPTIONS}

${EXIT_CODES} An execution name already in use exits with 2.`;

const STATUS = `Usage: npx claude-batch-teardown status <executionArn> [options]

Prints the status, start and stop times (UTC), and the output or the error and cause of one
execution. RUNNING exits with 0.

Options:
${COMMON_OPTIONS}

${EXIT_CODES}`;

const SWEEP = `Usage: npx claude-batch-teardown sweep [options]

Validates the options with the sweep's own checks, then starts an execution of the sweep
state machine with the input {"dryRun", "olderThanHours", "processingStatus", "maxBatches"}.
An option left out is left out of the input, so the sweep uses its default.

Options:
  --dry-run            set dryRun to true: report the batches that match, tear down none
  --older-than-hours N set olderThanHours: select batches created more than N hours ago
                       (more than 0, at most ${MAX_OLDER_THAN_HOURS}; default ${DEFAULT_OLDER_THAN_HOURS})
  --status STATUS      set processingStatus: select batches in this processing_status
                       (in_progress, canceling or ended; default ${DEFAULT_PROCESSING_STATUS.join(', ')})
  --max-batches N      set maxBatches: tear down at most N batches, the oldest first
                       (a whole number from 1 to ${MAX_BATCHES_LIMIT}; default ${DEFAULT_MAX_BATCHES})
  --wait               follow the execution like start --wait
  --sweep-arn ARN      sweep state machine to start (default: SWEEP_STATE_MACHINE_ARN, then
                       the stack output SweepStateMachineArn)
${STACK_NAME_OPTION}
${COMMON_OPTIONS}

${EXIT_CODES}`;

/** Returns the help text of a command, or the overview when `topic` is undefined. */
export function helpText(topic?: CommandName): string {
  switch (topic) {
    case 'start':
      return START;
    case 'status':
      return STATUS;
    case 'sweep':
      return SWEEP;
    case undefined:
      return OVERVIEW;
  }
}
