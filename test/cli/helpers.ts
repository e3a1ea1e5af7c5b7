import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { main } from '../../cli/main';
import { type ClientFactory, type OutputStream, SDK_CLIENT_FACTORY } from '../../cli/io';

// Fake credentials and a region, so that no SDK client looks for real ones (the instance metadata
// service included). Every client in these tests is also mocked with aws-sdk-client-mock.
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
});
delete process.env.AWS_PROFILE;

export const STATE_MACHINE_ARN =
  'arn:aws:states:us-east-1:123456789012:stateMachine:BatchTeardownStateMachine';
export const SWEEP_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:BatchSweep';
export const EXECUTION_ARN =
  'arn:aws:states:us-east-1:123456789012:execution:BatchTeardownStateMachine:run-1';
export const STARTED_AT = new Date('2026-12-01T12:00:00.000Z');

/** A valid execution input, as in examples/cancel-and-delete.json. */
export const VALID_INPUT = {
  requests: [
    {
      custom_id: 'greeting-1',
      params: {
        model: 'claude-haiku-4-5',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Hi' }],
      },
    },
  ],
};

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Lines of stdout, without the empty line after the last newline. */
  lines: string[];
  /** Regions that the CLI created clients for, in order. */
  regions: Array<string | undefined>;
}

export interface RunOptions {
  /** Environment that the CLI reads (not the SDK): STATE_MACHINE_ARN and friends. */
  env?: Record<string, string>;
  /** Makes stdout look like a terminal. */
  isTTY?: boolean;
}

/** Runs the CLI in process with captured streams, mocked clients and a sleep that returns at once. */
export async function runCli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  const stdout = captureStream(options.isTTY === true);
  const stderr = captureStream(false);
  const regions: Array<string | undefined> = [];
  const clients: ClientFactory = {
    createSfnClient: (region) => {
      regions.push(region);
      return SDK_CLIENT_FACTORY.createSfnClient(region);
    },
    createCloudFormationClient: (region) => {
      regions.push(region);
      return SDK_CLIENT_FACTORY.createCloudFormationClient(region);
    },
  };
  const code = await main(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    clients,
    sleep: () => Promise.resolve(),
  });
  const lines = stdout.text().split('\n').slice(0, -1);
  return { code, stdout: stdout.text(), stderr: stderr.text(), lines, regions };
}

function captureStream(isTTY: boolean): OutputStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    write: (chunk: string) => chunks.push(chunk),
    text: () => chunks.join(''),
  };
}

/** Writes an input file in a new temporary folder and returns its path. */
export function writeInputFile(content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'teardown-cli-')), 'input.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Builds a history event `seconds` after STARTED_AT. */
export function historyEvent(
  id: number,
  type: string,
  seconds: number,
  details: Record<string, unknown> = {},
): HistoryEvent {
  return {
    id,
    type: type as HistoryEvent['type'],
    timestamp: new Date(STARTED_AT.getTime() + seconds * 1000),
    ...details,
  };
}

/** Builds a state exit whose output contains a MessageBatch with this processing_status. */
export function stateExited(
  id: number,
  name: string,
  seconds: number,
  status?: string,
  type = 'TaskStateExited',
): HistoryEvent {
  const output = status === undefined ? {} : { batch: { processing_status: status } };
  return historyEvent(id, type, seconds, {
    stateExitedEventDetails: { name, output: JSON.stringify(output) },
  });
}

/** Builds a state entry event. */
export function stateEntered(
  id: number,
  name: string,
  seconds: number,
  type = 'TaskStateEntered',
): HistoryEvent {
  return historyEvent(id, type, seconds, { stateEnteredEventDetails: { name, input: '{}' } });
}
