import type { ServerResponse } from 'node:http';

import { errorEnvelope, type HttpError } from './errors';

/** Response that a handler or fault rule produces, sent by sendReply. */
export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Closes the connection after the response, when part of the request body is still unread. */
  readonly closeConnection?: boolean;
}

export function jsonReply(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json' };
}

export function errorReply(error: HttpError, requestId: string): Reply {
  return jsonReply(error.status, errorEnvelope(error.type, error.message, requestId));
}

/** Sends `reply` with its request-id header, unless the socket is already gone. */
export function sendReply(res: ServerResponse, reply: Reply, requestId: string): void {
  if (res.destroyed || res.headersSent) {
    return;
  }
  res.statusCode = reply.status;
  res.setHeader('request-id', requestId);
  res.setHeader('content-type', reply.contentType);
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    res.setHeader(name, value);
  }
  if (reply.closeConnection === true) {
    closeAfterResponse(res);
  }
  res.end(reply.body);
}

/**
 * Asks Node to close the connection after the response. Node then destroys the socket as soon as
 * the response is written, so the rest of an oversized request body is never read to its end.
 */
function closeAfterResponse(res: ServerResponse): void {
  res.shouldKeepAlive = false;
  res.setHeader('connection', 'close');
}
