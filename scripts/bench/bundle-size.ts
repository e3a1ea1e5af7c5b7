/**
 * Measurement 1: the size of each handler bundle as deployed, next to the same handler built
 * with the official Anthropic SDK client, and what takes the space.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { BATCH_OPERATIONS, type BatchOperation } from '../../lib/batch-functions';
import { type HandlerBundles, REPO_ROOT, externalPackages } from './bundles';

/** Goal: every handler bundle is at most this many bytes (50 KB in decimal units). */
export const BUNDLE_GOAL_BYTES = 50_000;

/** Bytes of one bundle that come from one package or from the project's code. */
export interface PackageShare {
  readonly source: string;
  readonly bytes: number;
}

/** Bundle sizes of one handler, in bytes. */
export interface BundleSizeRow {
  readonly operation: BatchOperation;
  readonly bytes: number;
  readonly sdkVariantBytes: number;
  readonly meetsGoal: boolean;
  /** Bytes over BUNDLE_GOAL_BYTES; 0 when the goal is met. */
  readonly overGoalBytes: number;
  /** Output bytes by source, largest first. */
  readonly shares: PackageShare[];
  /** The project's largest files in the bundle, by output bytes. */
  readonly largestProjectFiles: PackageShare[];
  /** Packages left external, which the Lambda runtime provides and the bundle loads. */
  readonly externalPackages: string[];
}

/** Measures the four handler bundles next to their SDK variants. */
export function measureBundleSizes(bundles: HandlerBundles): BundleSizeRow[] {
  return BATCH_OPERATIONS.map((operation) => {
    const bundle = bundles.handlers[operation];
    return {
      operation,
      bytes: bundle.bytes,
      sdkVariantBytes: bundles.sdkVariants[operation].bytes,
      meetsGoal: bundle.bytes <= BUNDLE_GOAL_BYTES,
      overGoalBytes: Math.max(0, bundle.bytes - BUNDLE_GOAL_BYTES),
      shares: attributeBytes(bundle.metafile, bundle.bytes),
      largestProjectFiles: largestProjectFiles(bundle.metafile),
      externalPackages: externalPackages(bundle),
    };
  });
}

/**
 * Groups a bundle's output bytes by npm package, with the project's own code as one group and
 * esbuild's module wrappers as the rest.
 */
export function attributeBytes(metafile: Metafile, totalBytes: number): PackageShare[] {
  const [output] = Object.values(metafile.outputs);
  const bySource = new Map<string, number>();
  let attributed = 0;
  for (const [inputPath, input] of Object.entries(output?.inputs ?? {})) {
    const source = describeSource(inputPath);
    bySource.set(source, (bySource.get(source) ?? 0) + input.bytesInOutput);
    attributed += input.bytesInOutput;
  }
  bySource.set('esbuild module wrappers and helpers', totalBytes - attributed);
  return [...bySource.entries()]
    .map(([source, bytes]) => ({ source, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

/** Number of project files listed for a bundle over the goal. */
const LISTED_PROJECT_FILES = 6;

function largestProjectFiles(metafile: Metafile): PackageShare[] {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output?.inputs ?? {})
    .filter(([inputPath]) => inputPath.startsWith('lambdas/'))
    .map(([source, input]) => ({ source, bytes: input.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, LISTED_PROJECT_FILES);
}

function describeSource(inputPath: string): string {
  const marker = 'node_modules/';
  const last = inputPath.lastIndexOf(marker);
  if (last === -1) {
    return inputPath.startsWith('lambdas/')
      ? 'project code (lambdas/)'
      : `bench code (${inputPath})`;
  }
  const segments = inputPath.slice(last + marker.length).split('/');
  const name = segments[0]?.startsWith('@') ? segments.slice(0, 2).join('/') : (segments[0] ?? '');
  const packageDir = inputPath.slice(0, last + marker.length) + name;
  const version = readPackageVersion(path.join(REPO_ROOT, packageDir));
  const nested = inputPath.indexOf(marker) !== last;
  if (!nested) return `${name} ${version}`;
  const owner = inputPath.slice(0, last).split(marker).pop()?.replace(/\/$/, '') ?? '';
  return `${name} ${version} (second copy, under ${owner})`;
}

function readPackageVersion(packageDir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : '(unknown version)';
  } catch {
    return '(unknown version)';
  }
}
