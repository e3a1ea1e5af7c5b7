/** Running the benchmark's child processes with a Lambda-like environment. */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { TEST_AWS_SESSION_CREDENTIALS } from '../../test/secrets-manager-server';
import { KEY_PROVIDER_ENV, REPO_ROOT } from './bundles';

/** Name of the secret that contains the API key in the Secrets Manager stand-in. */
export const BENCH_SECRET_NAME = 'bench-anthropic-api-key';

/** Region of the stand-in and of the handlers' environment. */
export const BENCH_REGION = 'us-east-1';

/** Endpoints and settings of a handler in a child process. */
export interface HandlerEndpoints {
  /** Base URL of the Message Batches emulator. */
  readonly apiUrl: string;
  /** Base URL of the Secrets Manager stand-in. */
  readonly secretsManagerUrl: string;
  /** ARN of the secret, as the deployed functions get it in API_KEY_SECRET_ID. */
  readonly secretArn: string;
  /** Variables that the synthesized template gives the functions. */
  readonly templateEnvironment: Record<string, string>;
  /** Folder for the AWS config files that must not be read. */
  readonly workDir: string;
  /** Key that the bench-only bundles send without reading the secret. */
  readonly providedApiKey: string;
}

/**
 * Builds the environment of a child that runs a handler bundle, as Lambda sets it: the
 * template's variables, the region and the role's credentials (fake ones that the stand-in
 * accepts), plus the local endpoints. The AWS SDK, which the S3 path loads, finds no config
 * file and no metadata service. NODE_PATH points at the repository's node_modules, because the
 * bundles leave `@aws-sdk/*` external (the Lambda runtime provides it) and are written outside
 * the repository.
 */
export function handlerEnvironment(endpoints: HandlerEndpoints): NodeJS.ProcessEnv {
  const missingFile = path.join(endpoints.workDir, 'no-such-aws-config');
  return {
    PATH: process.env.PATH,
    NODE_PATH: path.join(REPO_ROOT, 'node_modules'),
    ...endpoints.templateEnvironment,
    ANTHROPIC_BASE_URL: endpoints.apiUrl,
    API_KEY_SECRET_ID: endpoints.secretArn,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManagerUrl,
    AWS_REGION: BENCH_REGION,
    AWS_ACCESS_KEY_ID: TEST_AWS_SESSION_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS_SESSION_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_AWS_SESSION_CREDENTIALS.sessionToken,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: missingFile,
    AWS_SHARED_CREDENTIALS_FILE: missingFile,
    [KEY_PROVIDER_ENV]: endpoints.providedApiKey,
  };
}

/**
 * Runs `node SCRIPT ...args RESULT_FILE` and returns the JSON that the child wrote to
 * RESULT_FILE. Its stdout, where the handlers' log lines go, is discarded.
 */
export async function runChild<T>(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  resultFile: string,
  nodeOptions: string[] = [],
): Promise<T> {
  const stderr: Buffer[] = [];
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, script, ...args, resultFile], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (exitCode !== 0) {
    const output = Buffer.concat(stderr).toString('utf8').slice(-2_000);
    throw new Error(`Child ${path.basename(script)} exited with ${exitCode}: ${output}`);
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as T;
  rmSync(resultFile, { force: true });
  return result;
}
