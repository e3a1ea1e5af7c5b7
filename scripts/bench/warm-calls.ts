/**
 * Measurement 3: time per warm call of the retrieve handler next to a raw fetch and a raw
 * node:http request of the same emulator endpoint in the same process.
 */
import { type BenchContext, BENCH_API_KEY, resultPath, writeWorkFile } from './context';
import { runChild } from './child-process';
import type { WarmCallsConfig, WarmCallsResult } from './children/warm-calls';
import { batchRequests } from './events';
import { type Summary, summarize } from './stats';

/** Goal: the median warm handler call takes at most this multiple of the median raw fetch. */
export const WARM_GOAL_RATIO = 1.3;

export interface WarmCallsSummary {
  readonly handlerMs: Summary;
  readonly sdkVariantMs: Summary;
  readonly rawFetchMs: Summary;
  /** A node:http request with a keep-alive agent, the transport that the handler uses. */
  readonly rawHttpMs: Summary;
  /** Median handler call over median raw fetch. */
  readonly handlerRatio: number;
  /** Median SDK variant call over median raw fetch. */
  readonly sdkVariantRatio: number;
}

/** Runs the warm calls in one child process against the shared emulator. */
export async function measureWarmCalls(context: BenchContext): Promise<WarmCallsSummary> {
  const batch = context.emulator.createBatchDirectly({ requests: batchRequests(1) });
  const config: WarmCallsConfig = {
    handlerBundle: context.bundles.handlers.retrieveMessageBatch.file,
    sdkVariantBundle: context.bundles.sdkVariants.retrieveMessageBatch.file,
    batchId: batch.id,
    apiUrl: context.emulator.url,
    apiKey: BENCH_API_KEY,
    warmUpCalls: context.settings.warmUpCalls,
    calls: context.settings.warmCalls,
  };
  const result = await runChild<WarmCallsResult>(
    context.children.warmCalls,
    [writeWorkFile(context, 'warm-config', config)],
    context.childEnv,
    resultPath(context, 'warm'),
  );
  const handlerMs = summarize(result.handlerMs);
  const sdkVariantMs = summarize(result.sdkVariantMs);
  const rawFetchMs = summarize(result.rawFetchMs);
  const rawHttpMs = summarize(result.rawHttpMs);
  return {
    handlerMs,
    sdkVariantMs,
    rawFetchMs,
    rawHttpMs,
    handlerRatio: handlerMs.median / rawFetchMs.median,
    sdkVariantRatio: sdkVariantMs.median / rawFetchMs.median,
  };
}
