/** State shared by every measurement: settings, bundles, the local servers and a work folder. */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../../emulator';
import type { SynthesizedTeardown } from '../../local/definition';
import type { ChildScripts, HandlerBundles } from './bundles';
import type { SecretsManagerStub } from './secrets-manager-stub';
import type { BenchSettings } from './settings';

/** API key that the emulator accepts and the Secrets Manager stub returns; not a real key. */
export const BENCH_API_KEY = 'sk-ant-bench-local-key';

export interface BenchContext {
  readonly settings: BenchSettings;
  /** Temporary folder for bundles, events and child results. */
  readonly workDir: string;
  readonly bundles: HandlerBundles;
  readonly children: ChildScripts;
  /** Emulator that the handlers in child processes call. */
  readonly emulator: Emulator;
  readonly secretsManager: SecretsManagerStub;
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
