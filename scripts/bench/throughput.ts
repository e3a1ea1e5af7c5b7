/** Measurement 5: throughput of the local runner on one emulator in fast mode. */
import * as path from 'node:path';
import { type BenchContext, resultPath } from './context';
import { runChild } from './child-process';
import type { ThroughputResult } from './children/throughput';
import { type Summary, summarize } from './stats';

export interface ThroughputSummary {
  readonly executions: number;
  readonly concurrency: number;
  readonly succeeded: number;
  readonly executionsPerSecond: number;
  readonly executionMs: Summary;
  /** Peak RSS of the child process (VmHWM on Linux). */
  readonly peakRssMiB: number;
  /** Value of `process.resourceUsage().maxRSS`, which on Linux includes the parent's peak. */
  readonly maxRssReportedMiB: number;
  readonly wallSeconds: number;
}

/** Runs the executions in a child process, so that its peak RSS is the runner's alone. */
export async function measureThroughput(context: BenchContext): Promise<ThroughputSummary> {
  const { throughputExecutions, throughputConcurrency } = context.settings;
  const result = await runChild<ThroughputResult>(
    path.join(__dirname, 'children', 'throughput.ts'),
    [String(throughputExecutions), String(throughputConcurrency)],
    { PATH: process.env.PATH },
    resultPath(context, 'throughput'),
    ['--import', 'tsx'],
  );
  return {
    executions: result.executions,
    concurrency: result.concurrency,
    succeeded: result.succeeded,
    executionsPerSecond: result.executions / (result.wallMs / 1000),
    executionMs: summarize(result.executionMs),
    peakRssMiB: result.peakRssKb / 1024,
    maxRssReportedMiB: result.maxRssReportedKb / 1024,
    wallSeconds: result.wallMs / 1000,
  };
}
