import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';

/** The part of a writable stream that the CLI uses. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True when the stream is a terminal; undefined or false for pipes and files. */
  readonly isTTY?: boolean;
}

/** Creates the AWS clients; tests pass clients mocked with aws-sdk-client-mock. */
export interface ClientFactory {
  /** `region` undefined lets the SDK resolve it from the standard chain. */
  createSfnClient(region: string | undefined): SFNClient;
  createCloudFormationClient(region: string | undefined): CloudFormationClient;
}

/** Everything the CLI reads from or writes to outside itself, so tests can run it in process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clients: ClientFactory;
  /** Pauses between two history polls. */
  readonly sleep: (milliseconds: number) => Promise<void>;
}

/** Creates SDK clients with the standard credential and region chain. */
export const SDK_CLIENT_FACTORY: ClientFactory = {
  createSfnClient: (region) => new SFNClient(region === undefined ? {} : { region }),
  createCloudFormationClient: (region) =>
    new CloudFormationClient(region === undefined ? {} : { region }),
};

/** Returns the io of the running process. */
export function createProcessIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    clients: SDK_CLIENT_FACTORY,
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
  };
}
