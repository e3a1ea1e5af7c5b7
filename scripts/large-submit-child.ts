/**
 * Child process of scripts/large-submit.ts: calls the create handler once with a requestsS3Uri
 * input and prints one JSON line with its peak RSS. The parent bundles this file with the
 * handler and gives it the handler's environment.
 *
 * Usage: node large-submit-child.js <requestsS3Uri>   (API key in BENCH_API_KEY)
 */
import { readFileSync } from 'node:fs';
import { handler } from '../lambdas/create-message-batch';
import { setApiKeyProvider } from '../lambdas/shared/api-key';

/** Result line that the child prints. */
export interface LargeSubmitChildResult {
  readonly batchId: string;
  /** Peak resident set size before the call (modules loaded), in KiB. */
  readonly maxRssBeforeKiB: number;
  /** Peak resident set size of the whole process, in KiB. */
  readonly maxRssKiB: number;
  readonly durationMs: number;
  /** Largest V8 heap use and largest external memory (Buffers) seen, sampled every 5 ms, in KiB. */
  readonly sampledMaxHeapUsedKiB: number;
  readonly sampledMaxExternalKiB: number;
}

/**
 * Peak RSS of this process, in KiB. On Linux it is VmHWM from /proc/self/status, because
 * getrusage's maxRSS, which process.resourceUsage() returns, keeps the peak of the parent
 * process from before the exec, and the parent has the whole requests object in memory. Elsewhere it is
 * maxRSS.
 */
function peakRssKiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // No procfs: fall back to maxRSS.
  }
  return process.resourceUsage().maxRSS;
}

async function main(): Promise<void> {
  const [requestsS3Uri] = process.argv.slice(2);
  const apiKey = process.env.BENCH_API_KEY;
  if (requestsS3Uri === undefined || apiKey === undefined) {
    throw new Error('Usage: node large-submit-child.js <requestsS3Uri>, with BENCH_API_KEY set.');
  }
  setApiKeyProvider(() => Promise.resolve(apiKey));
  const maxRssBeforeKiB = peakRssKiB();
  const samples = { heapUsed: 0, external: 0 };
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    samples.heapUsed = Math.max(samples.heapUsed, usage.heapUsed);
    samples.external = Math.max(samples.external, usage.external);
  }, 5);
  const startedMs = performance.now();
  const result = await handler({ executionInput: { requestsS3Uri } });
  clearInterval(sampler);
  const report: LargeSubmitChildResult = {
    batchId: result.batch.id,
    maxRssBeforeKiB,
    maxRssKiB: peakRssKiB(),
    durationMs: Math.round(performance.now() - startedMs),
    sampledMaxHeapUsedKiB: Math.round(samples.heapUsed / 1024),
    sampledMaxExternalKiB: Math.round(samples.external / 1024),
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
