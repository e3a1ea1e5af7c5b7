import { DescribeExecutionCommand, ExecutionDoesNotExist, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { EXECUTION_ARN, runCli, STARTED_AT } from './helpers';

const sfn = mockClient(SFNClient);
const STOPPED_AT = new Date('2026-12-01T12:00:15.230Z');

beforeEach(() => {
  sfn.reset();
});

describe('status', () => {
  it('prints a succeeded execution with its output', async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: EXECUTION_ARN }).resolves({
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startDate: STARTED_AT,
      stopDate: STOPPED_AT,
      output: '{"batchId":"msgbatch_01","deletedId":"msgbatch_01"}',
    });
    const run = await runCli(['status', EXECUTION_ARN]);

    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      `Execution ${EXECUTION_ARN}`,
      'Status    SUCCEEDED',
      'Started   2026-12-01T12:00:00.000Z',
      'Stopped   2026-12-01T12:00:15.230Z',
      'Output    {"batchId":"msgbatch_01","deletedId":"msgbatch_01"}',
    ]);
  });

  it('prints error and cause and exits 1 for a failed execution', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate: STARTED_AT,
      stopDate: STOPPED_AT,
      error: 'AuthenticationFailed',
      cause: 'The API rejected the key twice',
    });
    const run = await runCli(['status', EXECUTION_ARN]);

    expect(run.code).toBe(1);
    expect(run.lines).toContain('Status    FAILED');
    expect(run.lines).toContain('Error     AuthenticationFailed');
    expect(run.lines).toContain('Cause     The API rejected the key twice');
  });

  it('exits 0 for a running execution', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'RUNNING',
      startDate: STARTED_AT,
    });
    const run = await runCli(['status', EXECUTION_ARN]);

    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      `Execution ${EXECUTION_ARN}`,
      'Status    RUNNING',
      'Started   2026-12-01T12:00:00.000Z',
    ]);
  });

  it('prints one JSON result line with --json', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: 'FAILED',
      startDate: STARTED_AT,
      stopDate: STOPPED_AT,
      error: 'BatchNotEnded',
      cause: 'still canceling',
    });
    const run = await runCli(['status', EXECUTION_ARN, '--json']);

    expect(run.code).toBe(1);
    expect(run.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        type: 'result',
        executionArn: EXECUTION_ARN,
        status: 'FAILED',
        startDate: STARTED_AT.toISOString(),
        stopDate: STOPPED_AT.toISOString(),
        error: 'BatchNotEnded',
        cause: 'still canceling',
      },
    ]);
  });

  it('calls the region of the execution ARN', async () => {
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING' });
    const run = await runCli(['status', EXECUTION_ARN.replace('us-east-1', 'eu-central-1')]);

    expect(run.regions).toEqual(['eu-central-1']);
  });

  it('rejects an argument that is not an execution ARN', async () => {
    const run = await runCli(['status', 'run-1']);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/"run-1" is not a Step Functions execution ARN/);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('exits 3 when the execution does not exist', async () => {
    sfn.on(DescribeExecutionCommand).rejects(
      new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${EXECUTION_ARN}'`,
        $metadata: {},
      }),
    );
    const run = await runCli(['status', EXECUTION_ARN]);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `DescribeExecution failed: ExecutionDoesNotExist: Execution Does Not Exist: '${EXECUTION_ARN}'.`,
    );
    expect(run.stderr).toMatch(/Fix: check the ARN, and the --region option if you passed one\./);
  });

  it('prints an AWS error as JSON with --json', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));
    const run = await runCli(['status', EXECUTION_ARN, '--json']);

    expect(run.code).toBe(3);
    expect(JSON.parse(run.lines.at(-1) ?? '')).toEqual({
      type: 'error',
      error: 'ExecutionDoesNotExist',
      message: expect.stringMatching(/^DescribeExecution failed: ExecutionDoesNotExist/),
    });
  });
});
