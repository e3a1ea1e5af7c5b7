import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { callAws, CliInputError } from './cli-errors';
import type { CliIo } from './io';

/** Sources of one state machine ARN, in order of precedence. */
export interface StateMachineArnSources {
  /** Command-line option, such as `--state-machine-arn`. */
  readonly optionName: string;
  readonly optionValue?: string;
  /** Environment variable, such as `STATE_MACHINE_ARN`. */
  readonly envName: string;
  /** Output key of the CloudFormation stack, such as `StateMachineArn`. */
  readonly outputKey: string;
  readonly stackName: string;
  /** Region of the DescribeStacks call; undefined lets the SDK resolve it. */
  readonly region?: string;
}

/** Sources of the teardown state machine ARN. */
export const TEARDOWN_ARN_SOURCES = {
  optionName: '--state-machine-arn',
  envName: 'STATE_MACHINE_ARN',
  outputKey: 'StateMachineArn',
} as const;

/** Sources of the sweep state machine ARN. */
export const SWEEP_ARN_SOURCES = {
  optionName: '--sweep-arn',
  envName: 'SWEEP_STATE_MACHINE_ARN',
  outputKey: 'SweepStateMachineArn',
} as const;

/** State machine ARN, optionally qualified with a version number or an alias name. */
const STATE_MACHINE_ARN_PATTERN =
  /^arn:[\w-]+:states:[\w-]+:\d{12}:stateMachine:[^:\s]+(:[^:\s]+)?$/;

/**
 * Returns the state machine ARN from the option, else the environment variable, else the stack
 * output. Throws CliInputError when the value found is not a state machine ARN or the stack has
 * no such output, and AwsCallError when DescribeStacks fails.
 */
export async function resolveStateMachineArn(
  sources: StateMachineArnSources,
  io: CliIo,
): Promise<string> {
  if (sources.optionValue !== undefined) {
    return checkStateMachineArn(sources.optionValue, sources.optionName);
  }
  const fromEnv = io.env[sources.envName];
  if (fromEnv !== undefined && fromEnv !== '') {
    return checkStateMachineArn(fromEnv, `the environment variable ${sources.envName}`);
  }
  const fromStack = await readStackOutput(sources, io);
  return checkStateMachineArn(fromStack, `the output ${sources.outputKey} of ${sources.stackName}`);
}

/** Returns the region part of an ARN, such as `eu-west-1`. */
export function regionFromArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region === undefined || region === '' ? undefined : region;
}

function checkStateMachineArn(arn: string, source: string): string {
  if (!STATE_MACHINE_ARN_PATTERN.test(arn)) {
    throw new CliInputError(
      'UsageError',
      `"${arn}" from ${source} is not a state machine ARN. Fix: use an ARN such as ` +
        'arn:aws:states:REGION:ACCOUNT:stateMachine:NAME.',
    );
  }
  return arn;
}

async function readStackOutput(sources: StateMachineArnSources, io: CliIo): Promise<string> {
  const client = io.clients.createCloudFormationClient(sources.region);
  const response = await callAws(
    'DescribeStacks',
    () => client.send(new DescribeStacksCommand({ StackName: sources.stackName })),
    (_errorName, message) =>
      /does not exist/.test(message)
        ? `deploy the stack (npx cdk deploy), pass --stack-name, or give the ARN with ` +
          `${sources.optionName} or ${sources.envName}.`
        : undefined,
  );
  const outputs = response.Stacks?.[0]?.Outputs ?? [];
  const value = outputs.find((output) => output.OutputKey === sources.outputKey)?.OutputValue;
  if (value === undefined || value === '') {
    throw new CliInputError(
      'UsageError',
      `Stack ${sources.stackName} has no output ${sources.outputKey}. Fix: deploy a version of ` +
        `the stack that has it, or give the ARN with ${sources.optionName} or ${sources.envName}.`,
    );
  }
  return value;
}
