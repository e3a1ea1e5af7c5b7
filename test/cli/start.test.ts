import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  EXECUTION_ARN,
  runCli,
  STARTED_AT,
  STATE_MACHINE_ARN,
  VALID_INPUT,
  writeInputFile,
} from './helpers';

const sfn = mockClient(SFNClient);
const cloudFormation = mockClient(CloudFormationClient);
const env = { STATE_MACHINE_ARN };

beforeEach(() => {
  sfn.reset();
  cloudFormation.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: STARTED_AT });
});

function sentAwsCommands(): number {
  return sfn.calls().length + cloudFormation.calls().length;
}

describe('start validation', () => {
  it.each([
    { case: 'empty requests', content: { requests: [] }, message: /requests is an empty array/ },
    { case: 'unknown field', content: { request: [] }, message: /did you mean requests\?/ },
    {
      case: 'both requests and batchId',
      content: { ...VALID_INPUT, batchId: 'msgbatch_01' },
      message: /set exactly one of requests .* and batchId/,
    },
    { case: 'malformed JSON', content: '{"requests": [', message: /is not valid JSON/ },
    {
      case: 'duplicate custom_id',
      content: { requests: [VALID_INPUT.requests[0], VALID_INPUT.requests[0]] },
      message: /must be unique in the batch/,
    },
  ])('rejects $case before any AWS call', async ({ content, message }) => {
    const run = await runCli(['start', writeInputFile(content)], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(sentAwsCommands()).toBe(0);
  });

  it('rejects a missing file before any AWS call', async () => {
    const run = await runCli(['start', 'does-not-exist.json'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Cannot read input file does-not-exist.json \(ENOENT\)/);
    expect(sentAwsCommands()).toBe(0);
  });

  it('rejects input over 256 KiB before any AWS call', async () => {
    const request = { custom_id: 'large', params: { padding: 'x'.repeat(300 * 1024) } };
    const run = await runCli(['start', writeInputFile({ requests: [request] })], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Step Functions accepts at most 262144 bytes \(256 KiB\)/);
    expect(sentAwsCommands()).toBe(0);
  });

  it('rejects an invalid --name before any AWS call', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--name', 'run 1'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--name "run 1" contains " ", which execution names must not/);
    expect(sentAwsCommands()).toBe(0);
  });

  it('rejects a missing input file argument', async () => {
    const run = await runCli(['start'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Missing the input file\. Run claude-batch-teardown start --help/);
  });

  it('rejects an unknown option', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--nmae', 'x'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--nmae'/);
    expect(sentAwsCommands()).toBe(0);
  });
});

describe('start', () => {
  it('starts the execution and prints its ARN', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], { env });

    expect(run.code).toBe(0);
    expect(run.lines).toEqual([`Started execution ${EXECUTION_ARN}`]);
    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(JSON.parse(call?.args[0].input.input ?? '')).toEqual(VALID_INPUT);
    expect(call?.args[0].input.name).toBeUndefined();
  });

  it('starts a teardown of an existing batch', async () => {
    const input = { batchId: 'msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d' };
    const run = await runCli(['start', writeInputFile(input)], { env });

    expect(run.code).toBe(0);
    expect(
      JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? ''),
    ).toEqual(input);
  });

  it('passes --name through', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--name', 'nightly-42'], {
      env,
    });

    expect(run.code).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.name).toBe('nightly-42');
  });

  it('uses the region of the state machine ARN', async () => {
    const arn = STATE_MACHINE_ARN.replace('us-east-1', 'eu-west-1');
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], {
      env: { STATE_MACHINE_ARN: arn },
    });

    expect(run.code).toBe(0);
    expect(run.regions).toEqual(['eu-west-1']);
  });

  it('uses --region over the ARN region', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--region', 'ap-south-1'], {
      env,
    });

    expect(run.regions).toEqual(['ap-south-1']);
  });

  it('exits 2 with the execution ARN when the name is in use', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--name', 'nightly-42'], {
      env,
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/An execution named "nightly-42" already exists/);
    expect(run.stderr).toContain(
      'status arn:aws:states:us-east-1:123456789012:execution:BatchTeardownStateMachine:nightly-42',
    );
  });

  it('exits 3 with the SDK error name and message', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: 'AccessDeniedException',
        $fault: 'client',
        $metadata: {},
        message: 'User is not authorized to perform states:StartExecution',
      }),
    );
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], { env });

    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'StartExecution failed: AccessDeniedException: User is not authorized to perform ' +
        'states:StartExecution\n',
    );
    expect(run.stdout).toBe('');
  });

  it('never prints an access key id from an SDK error', async () => {
    sfn.on(StartExecutionCommand).rejects(
      new SFNServiceException({
        name: 'UnrecognizedClientException',
        $fault: 'client',
        $metadata: {},
        message: 'The security token for AKIAABCDEFGHIJKLMNOP is invalid',
      }),
    );
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], { env });

    expect(run.code).toBe(3);
    expect(run.stderr).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(run.stderr).toContain('The security token for [redacted] is invalid');
  });

  it('adds the fix to a missing region error', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('Region is missing'));
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], { env });

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Region is missing\. Fix: pass --region, or set AWS_REGION/);
  });

  it('prints one JSON line with --json', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--json'], { env });

    expect(run.code).toBe(0);
    expect(run.lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { type: 'started', executionArn: EXECUTION_ARN, startDate: STARTED_AT.toISOString() },
    ]);
  });

  it('prints an input error as JSON with --json', async () => {
    const run = await runCli(['start', writeInputFile({ requests: [] }), '--json'], { env });

    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.lines.at(-1) ?? '')).toEqual({
      type: 'error',
      error: 'InvalidInput',
      message: expect.stringMatching(/^Invalid execution input: requests is an empty array/),
    });
  });
});
