/**
 * Bench-only handler that makes two raw node:http requests in a row, one to the Secrets Manager
 * stand-in and one for a batch, without signing, checks or logging. It is the floor of a handler
 * whose cold start reads the key over the network before it calls the API. The stand-in rejects
 * the unsigned request with an error response, which is read like any other.
 */
import { request } from 'node:http';

function get(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

export const handler = async (event: { batchId: string }): Promise<unknown> => {
  await get(`${process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? ''}/`, {});
  const url = `${process.env.ANTHROPIC_BASE_URL ?? ''}/v1/messages/batches/${event.batchId}`;
  const body = await get(url, {
    // The bench's child environment sets this variable (KEY_PROVIDER_ENV in bundles.ts).
    'x-api-key': process.env.BENCH_PROVIDED_API_KEY ?? '',
    'anthropic-version': '2023-06-01',
  });
  return JSON.parse(body);
};
