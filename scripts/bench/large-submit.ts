/**
 * Measurement 6: peak RSS of the create handler submitting large batches, each in a fresh
 * child process that calls the bundled handler directly.
 */
import {
  LAMBDA_PAYLOAD_LIMIT_BYTES,
  STATE_PAYLOAD_LIMIT_BYTES,
} from '../../local/lambda-emulation';
import { type BenchContext, resultPath, writeWorkFile } from './context';
import { runChild } from './child-process';
import type { InvokeOnceResult } from './children/invoke-once';
import { batchRequests, submitEvent } from './events';
import { type Summary, summarize } from './stats';

/** Batch size that the create path cannot take until requests can be read from S3. */
export const UNSUPPORTED_SUBMIT_SIZE = 100_000;

export interface LargeSubmitRow {
  readonly requests: number;
  /** Size of the handler's event as JSON. */
  readonly eventBytes: number;
  /** Whether the input fits the 256 KiB Step Functions execution input limit. */
  readonly fitsExecutionInput: boolean;
  /** Whether the event fits the 6 MB synchronous Lambda payload limit. */
  readonly fitsLambdaPayload: boolean;
  /** Peak RSS of the child, in MiB; absent for a size that was not run. */
  readonly peakRssMiB?: Summary;
  /** Peak RSS before the invocation (bundle loaded, event parsed), in MiB. */
  readonly rssBeforeInvokeMiB?: Summary;
  readonly invokeMs?: Summary;
}

/** Runs each configured size in fresh processes, and sizes the 100,000-request event only. */
export async function measureLargeSubmits(context: BenchContext): Promise<LargeSubmitRow[]> {
  const rows: LargeSubmitRow[] = [];
  for (const size of context.settings.largeSubmitSizes) {
    const event = submitEvent(context.synthesized, { requests: batchRequests(size) });
    const eventFile = writeWorkFile(context, `submit-${size}`, event);
    const results: InvokeOnceResult[] = [];
    for (let sample = 0; sample < context.settings.largeSubmitSamples; sample += 1) {
      const result = await runChild<InvokeOnceResult>(
        context.children.invokeOnce,
        [context.bundles.handlers.createMessageBatch.file, eventFile],
        context.childEnv,
        resultPath(context, 'submit'),
      );
      if (result.error !== undefined) {
        throw new Error(`Submitting ${size} requests failed: ${result.error}`);
      }
      results.push(result);
    }
    rows.push({
      ...sizeLimits(size, results[0]?.eventBytes ?? 0),
      peakRssMiB: summarize(results.map((r) => r.peakRssKb / 1024)),
      rssBeforeInvokeMiB: summarize(results.map((r) => r.peakRssBeforeInvokeKb / 1024)),
      invokeMs: summarize(results.map((r) => r.invokeMs)),
    });
  }
  const unsupported = submitEvent(context.synthesized, {
    requests: batchRequests(UNSUPPORTED_SUBMIT_SIZE),
  });
  rows.push(sizeLimits(UNSUPPORTED_SUBMIT_SIZE, Buffer.byteLength(JSON.stringify(unsupported))));
  return rows;
}

function sizeLimits(requests: number, eventBytes: number): LargeSubmitRow {
  return {
    requests,
    eventBytes,
    fitsExecutionInput: eventBytes <= STATE_PAYLOAD_LIMIT_BYTES,
    fitsLambdaPayload: eventBytes <= LAMBDA_PAYLOAD_LIMIT_BYTES,
  };
}
