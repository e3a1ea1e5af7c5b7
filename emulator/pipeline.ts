import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { checkRequestHeaders, hasApiKey, headerValue } from './auth';
import { bodyReader, ClientClosedError } from './body';
import { HttpError } from './errors';
import { findFaultTarget } from './fault-target';
import { faultReply, type FaultBook } from './faults';
import { runHandler, type HandlerContext } from './handlers';
import { randomId } from './ids';
import type { ResolvedOptions } from './options';
import { errorReply, sendReply, type Reply } from './reply';
import type { RequestLog } from './request-log';
import { lookupRoute, type RouteLookup } from './routes';
import type { BatchStore } from './store';
import type { EdgeCaseBehaviour, FaultRule, RequestRecord } from './types';

/** Emulator state that the request pipeline reads and changes. */
export interface PipelineDeps {
  readonly options: ResolvedOptions;
  readonly store: BatchStore;
  readonly faults: FaultBook;
  readonly log: RequestLog;
  readonly edgeCases: () => EdgeCaseBehaviour;
  /** Aborted by Emulator.close(); it cuts fault delays short. */
  readonly closing: AbortSignal;
}

/** One request and its response while the pipeline handles them. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly readBody: () => Promise<Buffer>;
  readonly requestId: string;
  readonly url: URL;
  readonly arrival: number;
  readonly atMs: number;
}

type Outcome = RequestRecord['status'];

type RealOperation = () => Promise<Reply>;

/**
 * Handles one request: routing (404, 405), the x-api-key and anthropic-version checks (401, 400),
 * then the first matching fault rule or the real operation. It records the request when done.
 */
export async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: PipelineDeps,
): Promise<void> {
  const exchange: Exchange = {
    req,
    res,
    readBody: bodyReader(req, deps.options.maxBodyBytes),
    requestId: randomId('req_'),
    url: parseRequestUrl(req.url),
    arrival: deps.log.arrive(),
    atMs: deps.options.clock.now(),
  };
  const lookup = lookupRoute(req.method ?? '', exchange.url.pathname);
  let outcome: Outcome;
  try {
    outcome = await respond(exchange, lookup, deps);
  } catch (error) {
    outcome = respondToFailure(exchange, error);
  }
  deps.log.finish(exchange.arrival, toRecord(exchange, lookup, outcome));
}

async function respond(
  exchange: Exchange,
  lookup: RouteLookup,
  deps: PipelineDeps,
): Promise<Outcome> {
  if (lookup.kind !== 'found') {
    return send(exchange, routeErrorReply(exchange, lookup));
  }
  const headerError = checkRequestHeaders(exchange.req, deps.options.apiKeys);
  if (headerError !== undefined) {
    return send(exchange, errorReply(headerError, exchange.requestId));
  }
  const runReal = () => runHandler(lookup.route, handlerContext(exchange, lookup.batchId, deps));
  const target = await findFaultTarget(
    { route: lookup.route, batchId: lookup.batchId, readBody: exchange.readBody },
    deps.faults,
    deps.store,
  );
  const rule = deps.faults.take(lookup.route, target);
  if (rule === undefined) {
    return send(exchange, await runReal());
  }
  return applyFault(exchange, rule, runReal, deps.closing);
}

/** Builds the 404 for an unknown path or the 405, with an allow header, for a wrong method. */
function routeErrorReply(
  exchange: Exchange,
  lookup: Exclude<RouteLookup, { kind: 'found' }>,
): Reply {
  const { req, url, requestId } = exchange;
  if (lookup.kind === 'not_found') {
    const message = `No route for ${req.method} ${url.pathname}; the emulator serves /v1/messages/batches`;
    return errorReply(new HttpError(404, message), requestId);
  }
  const allowed = lookup.allowedMethods.join(', ');
  const message = `Method ${req.method} is not allowed on ${url.pathname}; use ${allowed}`;
  return { ...errorReply(new HttpError(405, message), requestId), headers: { allow: allowed } };
}

/** Builds the handler input when the operation runs, so that it reads the clock at that moment. */
function handlerContext(
  exchange: Exchange,
  batchId: string | undefined,
  deps: PipelineDeps,
): HandlerContext {
  return {
    readBody: exchange.readBody,
    url: exchange.url,
    batchId,
    requestId: exchange.requestId,
    store: deps.store,
    edgeCases: deps.edgeCases(),
    nowMs: deps.options.clock.now(),
  };
}

/**
 * Sends the response that `rule` specifies. The real operation runs first for reset 'after',
 * for applyChange, and for rules with only delayMs.
 */
async function applyFault(
  exchange: Exchange,
  rule: FaultRule,
  runReal: RealOperation,
  closing: AbortSignal,
): Promise<Outcome> {
  if (rule.reset !== undefined) {
    if (rule.reset === 'after') {
      await runReal();
    }
    await pause(rule.delayMs, closing);
    exchange.req.socket.destroy();
    return 'reset';
  }
  if (rule.status !== undefined) {
    if (rule.applyChange === true) {
      await runReal();
    }
    await pause(rule.delayMs, closing);
    return send(exchange, faultReply({ ...rule, status: rule.status }, exchange.requestId));
  }
  const reply = await runReal();
  await pause(rule.delayMs, closing);
  return send(exchange, reply);
}

async function pause(delayMs: number | undefined, closing: AbortSignal): Promise<void> {
  if (delayMs !== undefined && delayMs > 0) {
    await sleep(delayMs, undefined, { signal: closing });
  }
}

function send(exchange: Exchange, reply: Reply): Outcome {
  sendReply(exchange.res, reply, exchange.requestId);
  return reply.status;
}

/**
 * Ends a request whose handling threw. When the client closed the connection or the emulator is
 * closing, no response can be sent, so the socket is destroyed. Any other error is a defect in the
 * emulator and gets 500 api_error with the error message.
 */
function respondToFailure(exchange: Exchange, error: unknown): Outcome {
  if (error instanceof ClientClosedError || isAbortError(error)) {
    exchange.req.socket.destroy();
    return 'reset';
  }
  const reason = error instanceof Error ? error.message : String(error);
  const message = `The emulator failed while handling the request: ${reason}`;
  return send(exchange, errorReply(new HttpError(500, message), exchange.requestId));
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Parses the request target relative to the emulator; an unparsable one becomes `/`, which is 404. */
function parseRequestUrl(target: string | undefined): URL {
  try {
    return new URL(`http://127.0.0.1${target ?? '/'}`);
  } catch {
    return new URL('http://127.0.0.1/');
  }
}

function toRecord(exchange: Exchange, lookup: RouteLookup, outcome: Outcome): RequestRecord {
  const { req } = exchange;
  const record: RequestRecord = {
    route: lookup.kind === 'found' ? lookup.route : 'unknown',
    method: req.method ?? '',
    path: exchange.url.pathname,
    status: outcome,
    at: exchange.atMs,
    hadApiKey: hasApiKey(req),
  };
  if (lookup.kind === 'found' && lookup.batchId !== undefined) {
    record.batchId = lookup.batchId;
  }
  const anthropicVersion = headerValue(req, 'anthropic-version');
  if (anthropicVersion !== undefined) {
    record.anthropicVersion = anthropicVersion;
  }
  return record;
}
