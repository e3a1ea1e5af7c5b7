import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EXECUTION_ARN,
  historyEvent,
  runCli,
  STARTED_AT,
  STATE_MACHINE_ARN,
  stateEntered,
  stateExited,
  VALID_INPUT,
  writeInputFile,
} from './helpers';

const sfn = mockClient(SFNClient);
const env = { STATE_MACHINE_ARN };
const BATCH_OUTPUT = { batchId: 'msgbatch_01', deletedId: 'msgbatch_01' };

/** History up to the first Wait state, events 1 to 9. */
const FIRST_EVENTS = [
  historyEvent(1, 'ExecutionStarted', 0),
  stateEntered(2, 'submitBatch', 0.01),
  historyEvent(3, 'LambdaFunctionScheduled', 0.02),
  stateExited(4, 'submitBatch', 0.17, 'in_progress'),
  stateEntered(5, 'requestCancel', 0.17),
  historyEvent(6, 'LambdaFunctionScheduled', 0.17),
  stateExited(7, 'requestCancel', 0.18, 'canceling'),
  stateEntered(8, 'waitBeforePoll', 0.2, 'WaitStateEntered'),
];

/** The rest of a successful execution, events 9 to 12. */
const LAST_EVENTS = [
  stateExited(9, 'waitBeforePoll', 15.2, undefined, 'WaitStateExited'),
  stateEntered(10, 'deleteBatch', 15.21),
  stateExited(11, 'deleteBatch', 15.23),
  historyEvent(12, 'ExecutionSucceeded', 15.23, {
    executionSucceededEventDetails: { output: JSON.stringify(BATCH_OUTPUT) },
  }),
];

/** Events newest first, as GetExecutionHistory returns them with reverseOrder. */
function newestFirst(events: typeof FIRST_EVENTS): typeof FIRST_EVENTS {
  return [...events].reverse();
}

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: STARTED_AT });
});

function mockSuccessfulHistory(): void {
  const firstPoll = newestFirst(FIRST_EVENTS);
  sfn
    .on(GetExecutionHistoryCommand)
    // First poll: two pages joined by nextToken.
    .resolvesOnce({ events: firstPoll.slice(0, 4), nextToken: 'page-2' })
    .resolvesOnce({ events: firstPoll.slice(4) })
    // Second poll: the new events and, on the same page, events already read.
    .resolvesOnce({
      events: newestFirst([...FIRST_EVENTS.slice(-2), ...LAST_EVENTS]),
      nextToken: 'more',
    });
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: EXECUTION_ARN,
    status: 'SUCCEEDED',
    startDate: STARTED_AT,
    stopDate: new Date(STARTED_AT.getTime() + 15_230),
    output: JSON.stringify(BATCH_OUTPUT),
  });
}

describe('start --wait', () => {
  it('prints each state in order, then the output', async () => {
    mockSuccessfulHistory();
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.code).toBe(0);
    expect(run.lines).toEqual([
      `Started execution ${EXECUTION_ARN}`,
      '   0.17s  submitBatch           in_progress',
      '   0.18s  requestCancel         canceling',
      '  15.20s  waitBeforePoll',
      '  15.23s  deleteBatch',
      JSON.stringify(BATCH_OUTPUT),
    ]);
  });

  it('pages the history with nextToken and stops at events already read', async () => {
    mockSuccessfulHistory();
    await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    const requests = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ executionArn: EXECUTION_ARN, reverseOrder: true });
    expect(requests[0]?.nextToken).toBeUndefined();
    expect(requests[1]?.nextToken).toBe('page-2');
    expect(requests[2]?.nextToken).toBeUndefined();
  });

  it('exits 1 with error and cause when the execution fails', async () => {
    const cause = 'Batch msgbatch_01 did not end after 241 retrieves';
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst([
        historyEvent(1, 'ExecutionStarted', 0),
        stateEntered(2, 'batchNotEnded', 3600, 'FailStateEntered'),
        historyEvent(3, 'ExecutionFailed', 3600, {
          executionFailedEventDetails: { error: 'BatchNotEnded', cause },
        }),
      ]),
    });
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, status: 'FAILED', error: 'BatchNotEnded', cause });
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.code).toBe(1);
    expect(run.lines.at(-2)).toBe('3600.00s  batchNotEnded         failed with BatchNotEnded');
    expect(JSON.parse(run.lines.at(-1) ?? '')).toEqual({ error: 'BatchNotEnded', cause });
  });

  it.each([
    { status: 'TIMED_OUT', error: 'States.Timeout' },
    { status: 'ABORTED', error: 'ABORTED' },
  ])('exits 1 when the execution ends $status', async ({ status, error }) => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: [historyEvent(2, `Execution${status === 'ABORTED' ? 'Aborted' : 'TimedOut'}`, 9)],
    });
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      status: status as 'TIMED_OUT',
      ...(status === 'TIMED_OUT' ? { error } : {}),
    });
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.code).toBe(1);
    expect(JSON.parse(run.lines.at(-1) ?? '')).toMatchObject({ error });
  });

  it('prints a failed attempt and its retry', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst([
        historyEvent(1, 'ExecutionStarted', 0),
        stateEntered(2, 'requestCancel', 1),
        historyEvent(3, 'LambdaFunctionScheduled', 1),
        historyEvent(4, 'LambdaFunctionFailed', 1.5, {
          lambdaFunctionFailedEventDetails: { error: 'RateLimited', cause: '{}' },
        }),
        historyEvent(5, 'LambdaFunctionScheduled', 3.5),
        stateExited(6, 'requestCancel', 3.6, 'canceling'),
        historyEvent(7, 'ExecutionSucceeded', 3.6),
      ]),
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', output: '{}' });
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.lines.slice(1, 4)).toEqual([
      '   1.50s  requestCancel         failed with RateLimited',
      '   3.50s  requestCancel         retry 1',
      '   3.60s  requestCancel         canceling',
    ]);
  });

  it('prints a state line without processing_status when output is missing', async () => {
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst([
        historyEvent(1, 'ExecutionStarted', 0),
        stateEntered(2, 'pollUntilEnded', 1),
        historyEvent(3, 'TaskStateExited', 2, {
          stateExitedEventDetails: { name: 'pollUntilEnded' },
        }),
        historyEvent(4, 'ExecutionSucceeded', 2),
      ]),
    });
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED' });
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.code).toBe(0);
    expect(run.lines.slice(1)).toEqual(['   2.00s  pollUntilEnded', 'null']);
  });

  it('prints JSON lines with the result last with --json', async () => {
    mockSuccessfulHistory();
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait', '--json'], { env });

    const records = run.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.type)).toEqual([
      'started',
      'state',
      'state',
      'state',
      'state',
      'result',
    ]);
    expect(records[1]).toEqual({
      type: 'state',
      event: 'exited',
      elapsedSeconds: 0.17,
      state: 'submitBatch',
      processingStatus: 'in_progress',
    });
    expect(records.at(-1)).toEqual({
      type: 'result',
      executionArn: EXECUTION_ARN,
      status: 'SUCCEEDED',
      startDate: STARTED_AT.toISOString(),
      stopDate: '2026-12-01T12:00:15.230Z',
      output: BATCH_OUTPUT,
    });
  });

  it('shows no spinner when stdout is not a TTY', async () => {
    mockSuccessfulHistory();
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], { env });

    expect(run.stderr).toBe('');
  });

  it('shows a spinner on stderr when stdout is a TTY', async () => {
    mockSuccessfulHistory();
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--wait'], {
      env,
      isTTY: true,
    });

    expect(run.stderr).toContain('running waitBeforePoll');
    expect(run.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(run.stdout).not.toContain('running waitBeforePoll');
  });
});
