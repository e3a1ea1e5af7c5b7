import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { historyEvent, runCli, STARTED_AT, SWEEP_ARN } from './helpers';

const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const SWEEP_EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:BatchSweep:sweep-1';
const env = { SWEEP_STATE_MACHINE_ARN: SWEEP_ARN };

beforeEach(() => {
  sfn.reset();
  cloudFormation.reset();
  sfn
    .on(StartExecutionCommand)
    .resolves({ executionArn: SWEEP_EXECUTION_ARN, startDate: STARTED_AT });
});

function sentInput(): unknown {
  const [call] = sfn.commandCalls(StartExecutionCommand);
  return JSON.parse(call?.args[0].input.input ?? 'null');
}

describe('sweep', () => {
  it('builds the input from the options', async () => {
    const run = await runCli(
      [
        'sweep',
        '--dry-run',
        '--older-than-hours',
        '36.5',
        '--status',
        'ended',
        '--max-batches',
        '20',
      ],
      { env },
    );

    expect(run.code).toBe(0);
    expect(run.lines).toEqual([`Started execution ${SWEEP_EXECUTION_ARN}`]);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(
      SWEEP_ARN,
    );
    expect(sentInput()).toEqual({
      dryRun: true,
      olderThanHours: 36.5,
      processingStatus: 'ended',
      maxBatches: 20,
    });
  });

  it('sends only dryRun when no criteria are given', async () => {
    await runCli(['sweep'], { env });

    expect(sentInput()).toEqual({ dryRun: false });
  });

  it.each([
    {
      args: ['--older-than-hours', '0'],
      message: /--older-than-hours is "0"; it must be a positive number/,
    },
    {
      args: ['--older-than-hours=-3'],
      message: /--older-than-hours is "-3"; it must be a positive/,
    },
    { args: ['--older-than-hours', 'week'], message: /--older-than-hours is "week"/ },
    {
      args: ['--max-batches', '2.5'],
      message: /--max-batches is "2.5"; it must be a positive whole/,
    },
    { args: ['--max-batches', '0'], message: /--max-batches is "0"/ },
    {
      args: ['--status', 'done'],
      message: /--status is "done"; it must be one of in_progress, canceling, ended/,
    },
    { args: ['--status', ''], message: /--status is empty/ },
    { args: ['ended'], message: /Unexpected argument "ended"; sweep takes only options/ },
    { args: ['--older-than'], message: /Unknown option '--older-than'/ },
  ])('rejects $args with exit 2 and no AWS call', async ({ args, message }) => {
    const run = await runCli(['sweep', ...args], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Run claude-batch-teardown sweep --help for usage\./);
    expect(sfn.calls()).toHaveLength(0);
  });

  it.each([
    {
      args: ['--max-batches', '500'],
      message: /Invalid sweep input: maxBatches is 500; it must be a whole number from 1 to 100/,
    },
    {
      args: ['--older-than-hours', '100000'],
      message: /Invalid sweep input: olderThanHours is 100000; it must be a number of hours/,
    },
  ])('rejects $args beyond the sweep limits', async ({ args, message }) => {
    const run = await runCli(['sweep', ...args], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('follows the execution with --wait', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [historyEvent(2, 'ExecutionSucceeded', 4), historyEvent(1, 'ExecutionStarted', 0)],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: SWEEP_EXECUTION_ARN,
      status: 'SUCCEEDED',
      output: '{"deleted":3}',
    });
    const run = await runCli(['sweep', '--wait'], { env });

    expect(run.code).toBe(0);
    expect(run.lines.at(-1)).toBe('{"deleted":3}');
  });

  it('takes the ARN from --sweep-arn first', async () => {
    const other = SWEEP_ARN.replace('BatchSweep', 'OtherSweep');
    await runCli(['sweep', '--sweep-arn', other], { env });

    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(other);
  });

  it('takes the ARN from the stack output SweepStateMachineArn', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'ClaudeBatchTeardown',
          CreationTime: STARTED_AT,
          StackStatus: 'UPDATE_COMPLETE',
          Outputs: [{ OutputKey: 'SweepStateMachineArn', OutputValue: SWEEP_ARN }],
        },
      ],
    });
    const run = await runCli(['sweep']);

    expect(run.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(
      SWEEP_ARN,
    );
  });

  it('exits 2 when the stack has no sweep output', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'ClaudeBatchTeardown',
          CreationTime: STARTED_AT,
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [{ OutputKey: 'StateMachineArn', OutputValue: SWEEP_ARN }],
        },
      ],
    });
    const run = await runCli(['sweep']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /Stack ClaudeBatchTeardown has no output SweepStateMachineArn\. Fix: .* --sweep-arn or SWEEP_STATE_MACHINE_ARN\./,
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});
