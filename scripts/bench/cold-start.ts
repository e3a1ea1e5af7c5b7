/**
 * Measurement 2: load time plus first invocation of each handler bundle in a fresh Node.js
 * process, next to an empty handler and the SDK variants.
 */
import { BATCH_OPERATIONS, type BatchOperation } from '../../lib/batch-functions';
import { type BuiltBundle, externalPackages } from './bundles';
import { type BenchContext, resultPath, writeWorkFile } from './context';
import { runChild } from './child-process';
import { batchIdEvent, batchRequests, pollEvent, submitEvent } from './events';
import type { InvokeOnceResult } from './children/invoke-once';
import { type Summary, summarize } from './stats';

/** Goal: a handler's load plus first invocation is at most this much above the empty handler's. */
export const COLD_START_GOAL_OVER_EMPTY_MS = 25;

/** One bundle measured in fresh processes. */
export interface ColdStartRow {
  readonly name: string;
  readonly description: string;
  readonly operation?: BatchOperation;
  readonly loadMs: Summary;
  readonly invokeMs: Summary;
  readonly totalMs: Summary;
  /** Median total minus the empty handler's median total. */
  readonly overEmptyMs: number;
  /** Packages that the bundle loads from outside itself (node_modules here, the runtime on AWS). */
  readonly externalPackages: string[];
}

export interface ColdStartResult {
  readonly rows: ColdStartRow[];
  /** GetSecretValue requests that the Secrets Manager stand-in received during the measurement. */
  readonly secretReads: number;
}

interface Subject {
  readonly name: string;
  readonly description: string;
  readonly bundle: BuiltBundle;
  readonly operation?: BatchOperation;
  /** Event of a baseline: none, or the retrieve handler's. */
  readonly event?: 'poll';
}

/** Runs every subject in turn, starting each round with the next subject, until each has n samples. */
export async function measureColdStarts(context: BenchContext): Promise<ColdStartResult> {
  const subjects = coldStartSubjects(context);
  const samples = new Map<string, InvokeOnceResult[]>(subjects.map((s) => [s.name, []]));
  const readsBefore = context.secretsManager.requestCount();
  for (let round = 0; round < context.settings.coldStartSamples; round += 1) {
    for (let index = 0; index < subjects.length; index += 1) {
      const subject = subjects[(round + index) % subjects.length];
      if (subject === undefined) continue;
      samples.get(subject.name)?.push(await runOnce(context, subject));
    }
  }
  const rows = subjects.map((subject) => toRow(subject, samples.get(subject.name) ?? []));
  const emptyMedian = rows.find((row) => row.name === 'empty')?.totalMs.median ?? Number.NaN;
  return {
    rows: rows.map((row) => ({ ...row, overEmptyMs: row.totalMs.median - emptyMedian })),
    secretReads: context.secretsManager.requestCount() - readsBefore,
  };
}

function coldStartSubjects(context: BenchContext): Subject[] {
  const { bundles } = context;
  const subjects: Subject[] = [
    { name: 'empty', description: 'empty handler (baseline)', bundle: bundles.empty },
    {
      name: 'secret-read-only',
      description: 'reads the key from Secrets Manager only',
      bundle: bundles.secretReadOnly,
    },
    {
      name: 'http-only',
      description: 'one raw node:http request for a batch only',
      bundle: bundles.httpOnly,
      event: 'poll',
    },
    {
      name: 'two-requests',
      description: 'two raw node:http requests only: the secret endpoint, then a batch',
      bundle: bundles.twoRequests,
      event: 'poll',
    },
    {
      name: 'fetch-only',
      description: 'one raw fetch of a batch only',
      bundle: bundles.fetchOnly,
      event: 'poll',
    },
  ];
  for (const operation of BATCH_OPERATIONS) {
    subjects.push({
      name: operation,
      description: `${operation} (deployed bundle)`,
      bundle: bundles.handlers[operation],
      operation,
    });
    subjects.push({
      name: `sdk-${operation}`,
      description: `${operation}, Anthropic SDK client`,
      bundle: bundles.sdkVariants[operation],
      operation,
    });
  }
  return subjects;
}

async function runOnce(context: BenchContext, subject: Subject): Promise<InvokeOnceResult> {
  const operation = subject.event === 'poll' ? 'retrieveMessageBatch' : subject.operation;
  const eventFile = writeWorkFile(context, 'cold-event', coldStartEvent(context, operation));
  const result = await runChild<InvokeOnceResult>(
    context.children.invokeOnce,
    [subject.bundle.file, eventFile],
    context.childEnv,
    resultPath(context, 'cold'),
  );
  if (result.error !== undefined) {
    throw new Error(`Cold start of ${subject.name} failed: ${result.error}`);
  }
  return result;
}

/** Builds an event that succeeds: cancel gets a new batch, delete gets a batch that has ended. */
function coldStartEvent(context: BenchContext, operation?: BatchOperation): unknown {
  const requests = batchRequests(1);
  switch (operation) {
    case undefined:
      return {};
    case 'createMessageBatch':
      return submitEvent(context.synthesized, { requests });
    case 'cancelMessageBatch':
      return batchIdEvent(context.emulator.createBatchDirectly({ requests }).id);
    case 'retrieveMessageBatch':
      return pollEvent(context.emulator.createBatchDirectly({ requests }).id, 1);
    case 'deleteMessageBatch': {
      const longAgoMs = Date.now() - 3_600_000;
      const batch = context.emulator.createBatchDirectly({ requests, createdAtMs: longAgoMs });
      return batchIdEvent(batch.id);
    }
  }
}

function toRow(subject: Subject, results: InvokeOnceResult[]): ColdStartRow {
  return {
    name: subject.name,
    description: subject.description,
    operation: subject.operation,
    loadMs: summarize(results.map((r) => r.loadMs)),
    invokeMs: summarize(results.map((r) => r.invokeMs)),
    totalMs: summarize(results.map((r) => r.loadMs + r.invokeMs)),
    overEmptyMs: Number.NaN,
    externalPackages: externalPackages(subject.bundle),
  };
}
