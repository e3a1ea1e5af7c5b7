import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
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
const FLAG_ARN = STATE_MACHINE_ARN.replace('BatchTeardownStateMachine', 'FromFlag');
const ENV_ARN = STATE_MACHINE_ARN.replace('BatchTeardownStateMachine', 'FromEnv');
const STACK_ARN = STATE_MACHINE_ARN.replace('BatchTeardownStateMachine', 'FromStack');

beforeEach(() => {
  sfn.reset();
  cloudFormation.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: STARTED_AT });
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'ClaudeBatchTeardown',
        CreationTime: STARTED_AT,
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'ApiKeySecretArn', OutputValue: 'arn:aws:secretsmanager:us-east-1:1:x' },
          { OutputKey: 'StateMachineArn', OutputValue: STACK_ARN },
        ],
      },
    ],
  });
});

function startedArn(): string | undefined {
  return sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn;
}

async function start(args: string[], env: Record<string, string> = {}): Promise<number> {
  const run = await runCli(['start', writeInputFile(VALID_INPUT), ...args], { env });
  return run.code;
}

describe('state machine ARN', () => {
  it('comes from --state-machine-arn first', async () => {
    await start(['--state-machine-arn', FLAG_ARN], { STATE_MACHINE_ARN: ENV_ARN });

    expect(startedArn()).toBe(FLAG_ARN);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('comes from STATE_MACHINE_ARN second', async () => {
    await start([], { STATE_MACHINE_ARN: ENV_ARN });

    expect(startedArn()).toBe(ENV_ARN);
    expect(cloudFormation.calls()).toHaveLength(0);
  });

  it('comes from the output of the default stack last', async () => {
    expect(await start([])).toBe(0);

    expect(startedArn()).toBe(STACK_ARN);
    const [describe] = cloudFormation.commandCalls(DescribeStacksCommand);
    expect(describe?.args[0].input).toEqual({ StackName: 'ClaudeBatchTeardown' });
  });

  it('reads the stack named by --stack-name', async () => {
    await start(['--stack-name', 'TeardownStaging']);

    const [describe] = cloudFormation.commandCalls(DescribeStacksCommand);
    expect(describe?.args[0].input).toEqual({ StackName: 'TeardownStaging' });
  });

  it('passes --region to DescribeStacks', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT), '--region', 'us-west-2']);

    expect(run.regions).toEqual(['us-west-2', 'us-west-2']);
  });

  it('exits 2 when a value is not a state machine ARN', async () => {
    const run = await runCli(['start', writeInputFile(VALID_INPUT)], {
      env: { STATE_MACHINE_ARN: 'BatchTeardownStateMachine' },
    });

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /"BatchTeardownStateMachine" from the environment variable STATE_MACHINE_ARN is not a state machine ARN/,
    );
    expect(sfn.calls()).toHaveLength(0);
  });

  it('exits 3 with a fix when the stack does not exist', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: {},
        message: 'Stack with id ClaudeBatchTeardown does not exist',
      }),
    );
    const run = await runCli(['start', writeInputFile(VALID_INPUT)]);

    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      'DescribeStacks failed: ValidationError: Stack with id ClaudeBatchTeardown does not exist. ' +
        'Fix: deploy the stack (npx cdk deploy), pass --stack-name, or give the ARN with ' +
        '--state-machine-arn or STATE_MACHINE_ARN.\n',
    );
    expect(sfn.calls()).toHaveLength(0);
  });
});
