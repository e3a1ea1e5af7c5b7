import type { IncomingMessage } from 'node:http';

import { HttpError } from './errors';

/** Returns the first value of a request header, or undefined when absent or empty. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

/** Returns the keys the request presents in x-api-key and in `Authorization: Bearer`. */
function presentedKeys(req: IncomingMessage): string[] {
  const keys: string[] = [];
  const apiKey = headerValue(req, 'x-api-key');
  if (apiKey !== undefined) {
    keys.push(apiKey);
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, 'authorization') ?? '');
  if (bearer?.[1] !== undefined) {
    keys.push(bearer[1]);
  }
  return keys;
}

/** Returns true when the request sends x-api-key or Authorization, accepted or not. */
export function hasApiKey(req: IncomingMessage): boolean {
  return (
    headerValue(req, 'x-api-key') !== undefined || headerValue(req, 'authorization') !== undefined
  );
}

/**
 * Checks the API key, then the anthropic-version header, and returns the error to send, if any.
 * Messages never contain the key that was sent.
 */
export function checkRequestHeaders(
  req: IncomingMessage,
  apiKeys: ReadonlySet<string>,
): HttpError | undefined {
  const keys = presentedKeys(req);
  if (keys.length === 0) {
    return new HttpError(
      401,
      'x-api-key header is required; send the API key in it or as Authorization: Bearer',
    );
  }
  if (!keys.some((key) => apiKeys.has(key))) {
    return new HttpError(401, 'invalid x-api-key: the emulator does not accept this key');
  }
  if (headerValue(req, 'anthropic-version') === undefined) {
    return new HttpError(400, 'anthropic-version: header is required');
  }
  return undefined;
}
