/**
 * Bench-only handler that makes one raw node:http request for a batch and nothing else: the
 * floor of a handler's first call, since every handler makes at least one such request.
 */
import { rawGet } from './raw-get';

export const handler = async (event: { batchId: string }): Promise<unknown> => {
  const url = `${process.env.ANTHROPIC_BASE_URL ?? ''}/v1/messages/batches/${event.batchId}`;
  const body = await rawGet(url, {
    // The bench's child environment sets this variable (KEY_PROVIDER_ENV in bundles.ts).
    'x-api-key': process.env.BENCH_PROVIDED_API_KEY ?? '',
    'anthropic-version': '2023-06-01',
  });
  return JSON.parse(body);
};
