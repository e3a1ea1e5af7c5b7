/**
 * A bare node:http GET that resolves with the body text: the raw request that the bench sets
 * beside the handlers, with no timeout, checks or logging.
 */
import { type Agent, request } from 'node:http';

/** Sends GET `url` with `headers`, through `agent` when given, and reads the body as text. */
export function rawGet(
  url: string,
  headers: Record<string, string>,
  agent?: Agent,
): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}
