import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliInputError } from './cli-errors';
import {
  ArgumentError,
  checkExecutionName,
  type ParsedValues,
  readNonEmptyString,
  readOnePositional,
  readPositiveNumber,
  readProcessingStatus,
  type SweepProcessingStatus,
} from './option-values';

/** CloudFormation stack name that `cdk deploy` uses (see bin/app.ts). */
export const DEFAULT_STACK_NAME = 'ClaudeBatchTeardown';

/** The commands of the CLI. */
export const COMMAND_NAMES = ['start', 'status', 'sweep'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Options that every command accepts, and --stack-name of start and sweep. */
export interface CommonOptions {
  /** AWS region; undefined lets the SDK resolve it. */
  readonly region?: string;
  readonly stackName: string;
  readonly json: boolean;
}

export interface HelpCommand {
  readonly name: 'help';
  /** Command whose help was requested; undefined for the overview. */
  readonly topic?: CommandName;
  /** True when no command was given: the overview is printed and the exit code is 2. */
  readonly missingCommand?: boolean;
}

export interface StartCommand {
  readonly name: 'start';
  readonly inputFile: string;
  readonly executionName?: string;
  readonly wait: boolean;
  readonly stateMachineArn?: string;
  readonly common: CommonOptions;
}

export interface StatusCommand {
  readonly name: 'status';
  readonly executionArn: string;
  readonly common: CommonOptions;
}

export interface SweepCommand {
  readonly name: 'sweep';
  readonly dryRun: boolean;
  readonly olderThanHours?: number;
  readonly processingStatus?: SweepProcessingStatus;
  readonly maxBatches?: number;
  readonly wait: boolean;
  readonly sweepArn?: string;
  readonly common: CommonOptions;
}

export type Command = HelpCommand | StartCommand | StatusCommand | SweepCommand;

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const COMMON_OPTIONS: OptionSpec = {
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMAND_OPTIONS: Record<CommandName, OptionSpec> = {
  start: {
    name: { type: 'string' },
    wait: { type: 'boolean' },
    'state-machine-arn': { type: 'string' },
    'stack-name': { type: 'string' },
  },
  status: {},
  sweep: {
    'dry-run': { type: 'boolean' },
    'older-than-hours': { type: 'string' },
    status: { type: 'string' },
    'max-batches': { type: 'string' },
    wait: { type: 'boolean' },
    'sweep-arn': { type: 'string' },
    'stack-name': { type: 'string' },
  },
};

/** Parses the command line; throws CliInputError (exit 2) on invalid arguments. */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) {
    return { name: 'help', missingCommand: true };
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    return { name: 'help' };
  }
  if (!isCommandName(first)) {
    throw usageError(`Unknown command "${first}". Expected one of: ${COMMAND_NAMES.join(', ')}.`);
  }
  try {
    return readCommand(first, rest);
  } catch (error) {
    throw error instanceof ArgumentError ? usageError(error.message, first) : error;
  }
}

function readCommand(command: CommandName, args: string[]): Command {
  const { values, positionals } = parseCommandOptions(command, args);
  if (values.help === true) {
    return { name: 'help', topic: command };
  }
  const common = readCommonOptions(values);
  switch (command) {
    case 'start':
      return readStartCommand(values, positionals, common);
    case 'status':
      return readStatusCommand(positionals, common);
    case 'sweep':
      return readSweepCommand(values, positionals, common);
  }
}

function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

function parseCommandOptions(
  command: CommandName,
  args: string[],
): { values: ParsedValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...COMMON_OPTIONS, ...COMMAND_OPTIONS[command] },
    });
    return { values: parsed.values as ParsedValues, positionals: parsed.positionals };
  } catch (error) {
    throw new ArgumentError((error as Error).message);
  }
}

function readCommonOptions(values: ParsedValues): CommonOptions {
  return {
    region: readNonEmptyString(values, 'region'),
    stackName: readNonEmptyString(values, 'stack-name') ?? DEFAULT_STACK_NAME,
    json: values.json === true,
  };
}

function readStartCommand(
  values: ParsedValues,
  positionals: string[],
  common: CommonOptions,
): StartCommand {
  const inputFile = readOnePositional(positionals, 'input file');
  const executionName = readNonEmptyString(values, 'name');
  if (executionName !== undefined) {
    checkExecutionName(executionName);
  }
  return {
    name: 'start',
    inputFile,
    executionName,
    wait: values.wait === true,
    stateMachineArn: readNonEmptyString(values, 'state-machine-arn'),
    common,
  };
}

function readStatusCommand(positionals: string[], common: CommonOptions): StatusCommand {
  const executionArn = readOnePositional(positionals, 'execution ARN');
  if (!/^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:\s]+:[^:\s]+$/.test(executionArn)) {
    throw new ArgumentError(
      `"${executionArn}" is not a Step Functions execution ARN. Fix: pass the ARN that start ` +
        'printed, such as arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME.',
    );
  }
  return { name: 'status', executionArn, common };
}

function readSweepCommand(
  values: ParsedValues,
  positionals: string[],
  common: CommonOptions,
): SweepCommand {
  if (positionals.length > 0) {
    throw new ArgumentError(`Unexpected argument "${positionals[0]}"; sweep takes only options.`);
  }
  return {
    name: 'sweep',
    dryRun: values['dry-run'] === true,
    olderThanHours: readPositiveNumber(values, 'older-than-hours', false),
    processingStatus: readProcessingStatus(values),
    maxBatches: readPositiveNumber(values, 'max-batches', true),
    wait: values.wait === true,
    sweepArn: readNonEmptyString(values, 'sweep-arn'),
    common,
  };
}

function usageError(message: string, command?: CommandName): CliInputError {
  const help = command === undefined ? '--help' : `${command} --help`;
  return new CliInputError('UsageError', `${message} Run claude-batch-teardown ${help} for usage.`);
}
