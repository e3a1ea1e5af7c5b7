/**
 * Keeps each handler bundle within the 50,000-byte goal of docs/benchmarks.md, bundled with the
 * esbuild options that NodejsFunction uses for it, so that a change that outgrows the goal fails
 * here instead of in the next benchmark run.
 */
import * as path from 'node:path';
import { build } from 'esbuild';
import { HANDLER_FILES } from '../../lib/batch-functions';
import { BUNDLE_GOAL_BYTES } from '../../scripts/bench/bundle-size';
import { LAMBDA_BUNDLE_OPTIONS, REPO_ROOT } from '../../scripts/bench/bundles';

const ENTRIES = [...Object.values(HANDLER_FILES), 'select-batches.ts'];

async function bundleBytes(file: string): Promise<number> {
  const result = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    entryPoints: [path.join(REPO_ROOT, 'lambdas', file)],
    write: false,
  });
  return result.outputFiles[0]?.contents.byteLength ?? Number.NaN;
}

describe('handler bundles', () => {
  it.each(ENTRIES)(`keeps %s within ${BUNDLE_GOAL_BYTES} bytes`, async (file) => {
    expect(await bundleBytes(file)).toBeLessThanOrEqual(BUNDLE_GOAL_BYTES);
  });
});
