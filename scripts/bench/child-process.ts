/** Running the benchmark's child processes with a Lambda-like environment. */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { KEY_PROVIDER_ENV, REPO_ROOT } from './bundles';

/** Secret ARN that the handlers read. The Secrets Manager stub returns the key for any id. */
export const BENCH_SECRET_ID =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:bench-anthropic-api-key';

/** Endpoints and settings of a handler in a child process. */
export interface HandlerEndpoints {
  /** Base URL of the Message Batches emulator. */
  readonly apiUrl: string;
  /** Base URL of the Secrets Manager stub. */
  readonly secretsManagerUrl: string;
  /** Variables that the synthesized template gives the functions. */
  readonly templateEnvironment: Record<string, string>;
  /** Folder for the AWS config files that must not be read. */
  readonly workDir: string;
  /** Key that the bundles built with setApiKeyProvider use. */
  readonly providedApiKey: string;
}

/**
 * Builds the environment of a child that runs a handler bundle: the template's variables, the
 * local endpoints, fake credentials and a disabled metadata service, so that the AWS SDK finds
 * everything it needs locally. NODE_PATH points at the repository's node_modules, because the
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
    API_KEY_SECRET_ID: BENCH_SECRET_ID,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManagerUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'BENCHLOCALFAKEACCESSKEY',
    AWS_SECRET_ACCESS_KEY: 'bench-local-fake-secret-access-key',
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
