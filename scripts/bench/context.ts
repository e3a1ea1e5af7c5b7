/** State shared by every measurement: settings, bundles, the local servers and a work folder. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../../emulator';
import type { SynthesizedTeardown } from '../../local/definition';
import type { LocalS3 } from '../../test/local-s3';
import type { SecretsManagerServer } from '../../test/secrets-manager-server';
import type { ChildScripts, HandlerBundles } from './bundles';
import type { BenchSettings } from './settings';

/** API key that the emulator accepts and the Secrets Manager stand-in holds; not a real key. */
export const BENCH_API_KEY = 'sk-ant-bench-local-key';

export interface BenchContext {
  readonly settings: BenchSettings;
  /** Temporary folder for bundles, events and child results. */
  readonly workDir: string;
  readonly bundles: HandlerBundles;
  readonly children: ChildScripts;
  /** Emulator that the handlers in child processes call. */
  readonly emulator: Emulator;
  /** Secrets Manager stand-in that checks the handlers' signed GetSecretValue requests. */
  readonly secretsManager: SecretsManagerServer;
  /** s3rver on 127.0.0.1, with BENCH_REQUESTS_BUCKET, that serves the requests objects. */
  readonly requestsS3: LocalS3;
  /** Environment of a child process that runs a handler. */
  readonly childEnv: NodeJS.ProcessEnv;
  readonly synthesized: SynthesizedTeardown;
}

let fileCounter = 0;

/** Writes `value` as JSON to a new file in the work folder and returns its path. */
export function writeWorkFile(context: BenchContext, prefix: string, value: unknown): string {
  fileCounter += 1;
  const file = path.join(context.workDir, `${prefix}-${fileCounter}.json`);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Returns a new path in the work folder for a child's result. */
export function resultPath(context: BenchContext, prefix: string): string {
  fileCounter += 1;
  return path.join(context.workDir, `${prefix}-result-${fileCounter}.json`);
}
