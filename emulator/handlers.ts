import { BodyTooLargeError } from './body';
import { HttpError } from './errors';
import { parseListQuery } from './pagination';
import { errorReply, jsonReply, type Reply } from './reply';
import { toJsonLines } from './results';
import type { BatchStore } from './store';
import type { EdgeCaseBehaviour, Route } from './types';
import { parseJsonBody, validateCreateBody } from './validation';

/** Request-scoped input of a route handler. */
export interface HandlerContext {
  /** Reads the request body once. Later calls return the same bytes or the same error. */
  readonly readBody: () => Promise<Buffer>;
  readonly url: URL;
  readonly batchId: string | undefined;
  readonly requestId: string;
  readonly store: BatchStore;
  readonly edgeCases: EdgeCaseBehaviour;
  readonly nowMs: number;
}

type Handler = (context: HandlerContext) => Reply | Promise<Reply>;

const HANDLERS: Readonly<Record<Route, Handler>> = {
  createMessageBatch: createBatch,
  retrieveMessageBatch: (context) => jsonReply(200, context.store.retrieve(requireId(context))),
  listMessageBatches: (context) =>
    jsonReply(200, context.store.list(parseListQuery(context.url.searchParams))),
  cancelMessageBatch: (context) => jsonReply(200, context.store.cancel(requireId(context))),
  deleteMessageBatch: (context) => jsonReply(200, context.store.delete(requireId(context))),
  results: (context) => ({
    status: 200,
    body: toJsonLines(context.store.results(requireId(context))),
    contentType: 'application/x-jsonl',
  }),
};

/** Runs the real operation for `route` and turns an HttpError into the error envelope. */
export async function runHandler(route: Route, context: HandlerContext): Promise<Reply> {
  try {
    return await HANDLERS[route](context);
  } catch (error) {
    if (error instanceof HttpError) {
      return errorReply(error, context.requestId);
    }
    throw error;
  }
}

async function createBatch(context: HandlerContext): Promise<Reply> {
  let body: Buffer;
  try {
    body = await context.readBody();
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return tooLargeReply(error, context);
    }
    throw error;
  }
  const requests = validateCreateBody(parseJsonBody(body), context.edgeCases.duplicateCustomId);
  return jsonReply(200, context.store.create(requests, context.nowMs));
}

/** Builds the 413 as the API sends it, or as the HTML page of a proxy in front of it. */
function tooLargeReply(error: BodyTooLargeError, context: HandlerContext): Reply {
  if (context.edgeCases.tooLargeBody === 'html') {
    return {
      status: 413,
      body: TOO_LARGE_HTML,
      contentType: 'text/html; charset=utf-8',
      closeConnection: true,
    };
  }
  return {
    ...errorReply(new HttpError(413, error.message), context.requestId),
    closeConnection: true,
  };
}

const TOO_LARGE_HTML = [
  '<html>',
  '<head><title>413 Request Entity Too Large</title></head>',
  '<body><center><h1>413 Request Entity Too Large</h1></center></body>',
  '</html>',
  '',
].join('\n');

function requireId(context: HandlerContext): string {
  if (context.batchId === undefined) {
    throw new Error('Route table error: a batch route matched without a batch id');
  }
  return context.batchId;
}
