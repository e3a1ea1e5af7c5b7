/**
 * Bundles the handlers with the esbuild options that NodejsFunction uses for them, plus the
 * bench-only variants and child-process scripts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BuildOptions, type Metafile, type Plugin, build } from 'esbuild';
import { BATCH_OPERATIONS, type BatchOperation, HANDLER_FILES } from '../../lib/batch-functions';

/** Root of the repository. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The esbuild options of NodejsFunction for the bundling props in lib/batch-functions.ts
 * (minify, no source map, target node24, CommonJS, `@aws-sdk/*` external). aws-cdk-lib 2.278
 * passes the same values to the esbuild CLI as --minify, --target, --platform=node, --format and
 * --external.
 */
export const LAMBDA_BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: 'node24',
  platform: 'node',
  format: 'cjs',
  external: ['@aws-sdk/*'],
  logLevel: 'error',
};

/** A bundle written to disk, with its esbuild metafile. */
export interface BuiltBundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly metafile: Metafile;
}

/** Packages that a bundle loads with require at run time instead of containing them. */
export function externalPackages(bundle: BuiltBundle): string[] {
  const [output] = Object.values(bundle.metafile.outputs);
  const packages = (output?.imports ?? [])
    .filter((entry) => entry.external && !entry.path.startsWith('node:'))
    .map((entry) => entry.path);
  return [...new Set(packages)].sort();
}

/** Bench-only handler variants that call the API through the official Anthropic SDK client. */
export const SDK_VARIANT_FILES: Record<BatchOperation, string> = {
  createMessageBatch: 'sdk-create-message-batch.ts',
  cancelMessageBatch: 'sdk-cancel-message-batch.ts',
  retrieveMessageBatch: 'sdk-retrieve-message-batch.ts',
  deleteMessageBatch: 'sdk-delete-message-batch.ts',
};

const VARIANTS_DIR = path.join(__dirname, 'variants');
const CHILDREN_DIR = path.join(__dirname, 'children');

/**
 * Bundles one Lambda entry point as NodejsFunction would, with optional extra esbuild plugins.
 * The entry is a file, or TypeScript source that resolves imports from the repository root.
 */
export async function bundleLambda(
  name: string,
  entry: string | { source: string },
  outDir: string,
  plugins: Plugin[] = [],
): Promise<BuiltBundle> {
  const file = path.join(outDir, name, 'index.js');
  mkdirSync(path.dirname(file), { recursive: true });
  const result = await build({
    ...LAMBDA_BUNDLE_OPTIONS,
    ...(typeof entry === 'string'
      ? { entryPoints: [entry] }
      : { stdin: { contents: entry.source, resolveDir: REPO_ROOT, loader: 'ts' } }),
    outfile: file,
    absWorkingDir: REPO_ROOT,
    metafile: true,
    write: false,
    plugins,
  });
  const [output] = result.outputFiles;
  if (output === undefined) {
    throw new Error(`esbuild wrote no output for the ${name} bundle.`);
  }
  writeFileSync(file, output.contents);
  return { name, file, bytes: output.contents.byteLength, metafile: result.metafile };
}

/** The deployed handlers, the SDK variants and the baselines, bundled into `outDir`. */
export interface HandlerBundles {
  readonly handlers: Record<BatchOperation, BuiltBundle>;
  readonly sdkVariants: Record<BatchOperation, BuiltBundle>;
  /** A handler that returns at once: the floor of any cold start. */
  readonly empty: BuiltBundle;
  /** A handler that only reads the API key from Secrets Manager, as the handlers do. */
  readonly secretReadOnly: BuiltBundle;
  /** A handler that only makes one raw node:http request for a batch. */
  readonly httpOnly: BuiltBundle;
  /** A handler that makes two raw node:http requests: the secret's endpoint, then a batch. */
  readonly twoRequests: BuiltBundle;
  /** A handler that only makes one raw fetch of a batch. */
  readonly fetchOnly: BuiltBundle;
}

/** Environment variable from which the bench-only bundles take the API key. */
export const KEY_PROVIDER_ENV = 'BENCH_PROVIDED_API_KEY';

/** Bundles every handler, variant and baseline. */
export async function bundleHandlers(outDir: string): Promise<HandlerBundles> {
  const variant = (file: string): string => path.join(VARIANTS_DIR, file);
  const byOperation = async (
    build: (operation: BatchOperation) => Promise<BuiltBundle>,
  ): Promise<Record<BatchOperation, BuiltBundle>> => {
    const bundles = await Promise.all(BATCH_OPERATIONS.map(build));
    return Object.fromEntries(
      BATCH_OPERATIONS.map((operation, index) => [operation, bundles[index]]),
    ) as Record<BatchOperation, BuiltBundle>;
  };
  // esbuild runs builds in parallel, so the bundles are requested together.
  const [handlers, sdkVariants, baselines] = await Promise.all([
    byOperation((operation) =>
      bundleLambda(operation, path.join(REPO_ROOT, 'lambdas', HANDLER_FILES[operation]), outDir),
    ),
    byOperation((operation) =>
      bundleLambda(`sdk-${operation}`, variant(SDK_VARIANT_FILES[operation]), outDir),
    ),
    Promise.all([
      bundleLambda('empty', variant('empty-handler.ts'), outDir),
      bundleLambda('secret-read-only', variant('secret-read-only.ts'), outDir),
      bundleLambda('http-only', variant('http-only.ts'), outDir),
      bundleLambda('two-requests', variant('two-requests.ts'), outDir),
      bundleLambda('fetch-only', variant('fetch-only.ts'), outDir),
    ]),
  ]);
  const [empty, secretReadOnly, httpOnly, twoRequests, fetchOnly] = baselines;
  return { handlers, sdkVariants, empty, secretReadOnly, httpOnly, twoRequests, fetchOnly };
}

/** Scripts that the benchmark runs in child processes, bundled to plain JavaScript. */
export interface ChildScripts {
  /** Loads a handler bundle, invokes it once and reports times and peak RSS. */
  readonly invokeOnce: string;
  /** Times warm calls of the retrieve handler, its SDK variant and a raw fetch. */
  readonly warmCalls: string;
}

/**
 * Bundles the child-process scripts, so that a child starts without a TypeScript loader whose
 * start-up time would blur the cold-start figures.
 */
export async function bundleChildScripts(outDir: string): Promise<ChildScripts> {
  const bundleChild = async (name: string): Promise<string> => {
    const outfile = path.join(outDir, 'children', `${name}.js`);
    await build({
      entryPoints: [path.join(CHILDREN_DIR, `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'error',
    });
    return outfile;
  };
  const [invokeOnce, warmCalls] = await Promise.all([
    bundleChild('invoke-once'),
    bundleChild('warm-calls'),
  ]);
  return { invokeOnce, warmCalls };
}
