/**
 * Child process of the throughput measurement, run with tsx because it imports the local runner:
 * runs COUNT executions, CONCURRENCY at a time, against one emulator in this process.
 * Usage: node --import tsx throughput.ts COUNT CONCURRENCY RESULT_FILE
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../../emulator';
import { runLocalExecution } from '../../../local/run';
import { BENCH_API_KEY } from '../context';
import { batchRequests } from '../events';
import { installLoopbackGuard } from '../../../test/loopback-guard';
import { peakRssKb } from './peak-rss';

/** Result that the child writes to RESULT_FILE. */
export interface ThroughputResult {
  readonly executions: number;
  readonly concurrency: number;
  readonly succeeded: number;
  readonly wallMs: number;
  /** Wall time of each runLocalExecution call. */
  readonly executionMs: number[];
  readonly peakRssKb: number;
  /** `process.resourceUsage().maxRSS`, which on Linux includes the parent's peak at fork. */
  readonly maxRssReportedKb: number;
}

async function main(): Promise<void> {
  installLoopbackGuard();
  const [countText, concurrencyText, resultFile] = process.argv.slice(2);
  const count = Number(countText);
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(count) || !Number.isInteger(concurrency) || resultFile === undefined) {
    throw new Error('Usage: throughput.ts COUNT CONCURRENCY RESULT_FILE');
  }
  // A cancel that ends the batch at once gives each execution one retrieve.
  const emulator = await startEmulator({ apiKeys: [BENCH_API_KEY], cancelDelayMs: 0 });
  const executionMs: number[] = [];
  let succeeded = 0;
  let started = 0;
  const runNext = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      const startedMs = performance.now();
      const result = await runLocalExecution({
        input: { requests: batchRequests(2) },
        apiUrl: emulator.url,
        apiKey: BENCH_API_KEY,
        fast: true,
        logLevel: 'ERROR',
      });
      executionMs.push(performance.now() - startedMs);
      if (result.status === 'SUCCEEDED') succeeded += 1;
    }
  };
  const wallStartedMs = performance.now();
  await Promise.all(Array.from({ length: concurrency }, runNext));
  const wallMs = performance.now() - wallStartedMs;
  await emulator.close();
  const result: ThroughputResult = {
    executions: count,
    concurrency,
    succeeded,
    wallMs,
    executionMs,
    peakRssKb: peakRssKb(),
    maxRssReportedKb: process.resourceUsage().maxRSS,
  };
  writeFileSync(resultFile, JSON.stringify(result));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
