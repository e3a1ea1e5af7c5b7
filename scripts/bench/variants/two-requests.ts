/**
 * Bench-only handler that makes two raw node:http requests in a row, one to the Secrets Manager
 * stand-in and one for a batch, without signing, checks or logging. It is the floor of a handler
 * whose cold start reads the key over the network before it calls the API. The stand-in rejects
 * the unsigned request with an error response, which is read like any other.
 */
import { rawGet } from './raw-get';

export const handler = async (event: { batchId: string }): Promise<unknown> => {
  await rawGet(`${process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? ''}/`, {});
  const url = `${process.env.ANTHROPIC_BASE_URL ?? ''}/v1/messages/batches/${event.batchId}`;
  const body = await rawGet(url, {
    // The bench's child environment sets this variable (KEY_PROVIDER_ENV in bundles.ts).
    'x-api-key': process.env.BENCH_PROVIDED_API_KEY ?? '',
    'anthropic-version': '2023-06-01',
  });
  return JSON.parse(body);
};
