/**
 * One HTTP/1.1 request over node:http or node:https, with the whole exchange bounded by a
 * timeout. The handlers use it instead of `fetch`, whose first call in a new process loads
 * Node's fetch implementation: 62 ms of every cold start on Node 20 (docs/benchmarks.md).
 *
 * Redirects are never followed, and the body is read as text without decompression, because
 * no `accept-encoding` is sent.
 */
import * as http from 'node:http';
import type * as Https from 'node:https';

/** A request to send. */
export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  /** A string, or chunks that are written as they come, with back-pressure. */
  readonly body?: string | AsyncIterable<Uint8Array>;
  /** Limit for connecting, sending and reading the whole response, in milliseconds. */
  readonly timeoutMs: number;
  /**
   * Reuse idle connections to the same host. Callers turn it off for a request that must not
   * be sent twice: on a reused connection that the server has closed meanwhile, the request
   * fails in a way that cannot tell whether the server read it.
   */
  readonly keepAlive: boolean;
}

/** Response headers; `get` takes a name in any case and returns the first value. */
export interface ResponseHeaders {
  get(name: string): string | undefined;
}

/** A response whose body has been read to the end as UTF-8 text. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly bodyText: string;
}

/** The request did not finish within `timeoutMs`. */
export class HttpTimeoutError extends Error {
  override name = 'HttpTimeoutError';
  /**
   * False when the connection (and TLS, for https) was still being set up, so no byte of the
   * request reached the server.
   */
  readonly requestMayHaveBeenSent: boolean;

  constructor(message: string, requestMayHaveBeenSent: boolean) {
    super(message);
    this.requestMayHaveBeenSent = requestMayHaveBeenSent;
  }
}

/** The connection failed before a complete response arrived. */
export class HttpConnectionError extends Error {
  override name = 'HttpConnectionError';
  /**
   * Node's error code, such as ECONNREFUSED, or `no error code`, or ERESPONSETOOLARGE for a body
   * over 8 MiB.
   */
  readonly code: string;
  /**
   * False when the failure came before the connection (and TLS, for https) was established,
   * so no byte of the request reached the server.
   */
  readonly requestMayHaveBeenSent: boolean;

  constructor(code: string, requestMayHaveBeenSent: boolean, options?: ErrorOptions) {
    super(`HTTP connection failed (${code})`, options);
    this.code = code;
    this.requestMayHaveBeenSent = requestMayHaveBeenSent;
  }
}

/**
 * Maximum idle time after which a kept-alive connection is still reused, as in Node's fetch.
 * Lambda freezes the process between invocations, so Node's own idle timers do not run then.
 * A connection that the server closed meanwhile would fail on reuse, so the age is checked
 * against the clock before each request.
 */
const MAX_IDLE_MS = 4_000;

/**
 * Largest response body read, in bytes. The largest expected response, a page of 1,000 batches,
 * is under 1 MB; a server that sends more is cut off before it can exhaust the function's memory.
 */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * How long a streamed upload waits for `100 Continue` before it starts anyway, for servers that
 * ignore `expect: 100-continue`; curl waits 1 s too.
 */
const CONTINUE_WAIT_MS = 1_000;

/**
 * node:https, loaded on first use: loading it (and TLS with it) takes about 10 ms, which a local
 * run against a loopback emulator over http never needs.
 */
function httpsModule(): typeof Https {
  return process.getBuiltinModule('node:https');
}

interface PooledAgent {
  readonly agent: http.Agent;
  lastUsedMs: number;
}

const pools: { http?: PooledAgent; https?: PooledAgent } = {};

/** Returns the keep-alive agent of the protocol, replaced by a new one after MAX_IDLE_MS idle. */
function keepAliveAgent(secure: boolean): PooledAgent {
  const protocol = secure ? 'https' : 'http';
  const nowMs = Date.now();
  let pooled = pools[protocol];
  if (pooled === undefined || nowMs - pooled.lastUsedMs > MAX_IDLE_MS) {
    pooled?.agent.destroy();
    const agent = secure
      ? new (httpsModule().Agent)({ keepAlive: true })
      : new http.Agent({ keepAlive: true });
    pooled = { agent, lastUsedMs: nowMs };
    pools[protocol] = pooled;
  }
  pooled.lastUsedMs = nowMs;
  return pooled;
}

/**
 * Sends `request` once. Resolves with any HTTP status; rejects with `HttpTimeoutError`,
 * `HttpConnectionError`, or the error thrown by a streamed body, unchanged.
 *
 * A streamed body is sent with `expect: 100-continue`: it starts on `100 Continue`, so a server
 * that rejects the request (a wrong key, say) responds before any of the body is sent. A server
 * that responds during an upload and closes the connection at once resets it, and the response
 * may be lost. A streamed body that throws destroys the connection before the body ends, so the
 * server never receives a complete request. When the server answers first, the upload stops.
 */
export function sendHttpRequest(request: HttpRequest): Promise<HttpResponse> {
  const secure = request.url.protocol === 'https:';
  const transport = secure ? httpsModule() : http;
  const headers: Record<string, string> = { ...request.headers };
  if (typeof request.body === 'string') {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  } else if (request.body !== undefined) {
    headers.expect = '100-continue';
  }
  const pooled = request.keepAlive ? keepAliveAgent(secure) : undefined;
  const agent = pooled?.agent ?? false;

  return new Promise<HttpResponse>((resolve, reject) => {
    const body = request.body;
    let connected = false;
    let responded = false;
    let settled = false;
    let uploadStarted = false;
    const outgoing = transport.request(request.url, { method: request.method, headers, agent });
    const timer = setTimeout(() => {
      fail(new HttpTimeoutError(`No complete response within ${request.timeoutMs} ms`, connected));
    }, request.timeoutMs);
    const continueTimer =
      typeof body === 'object' ? setTimeout(startUpload, CONTINUE_WAIT_MS) : undefined;

    /** Marks the request as finished; false when it already was. */
    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      clearTimeout(continueTimer);
      if (pooled !== undefined) pooled.lastUsedMs = Date.now();
      return true;
    }
    function fail(error: Error): void {
      if (!settle()) return;
      outgoing.destroy();
      reject(error);
    }
    function succeed(response: HttpResponse): void {
      if (!settle()) return;
      // The server responded before the upload ended: drop the connection instead of finishing it.
      if (!outgoing.writableFinished) outgoing.destroy();
      resolve(response);
    }
    function startUpload(): void {
      clearTimeout(continueTimer);
      // 100 Continue may still arrive after the fallback timer has started the upload.
      if (uploadStarted || responded || settled || typeof body !== 'object') return;
      uploadStarted = true;
      writeStreamedBody(outgoing, body).then(
        () => {
          if (!outgoing.destroyed) outgoing.end();
        },
        (error: unknown) => fail(error instanceof Error ? error : new Error(String(error))),
      );
    }

    outgoing.on('socket', (socket) => {
      // A reused keep-alive socket is connected already; a new one emits connect or secureConnect.
      if (!socket.connecting) connected = true;
      else socket.once(secure ? 'secureConnect' : 'connect', () => (connected = true));
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // Once a response has started, its own stream reports how it ends, while writing the rest
      // of an upload after the response arrived may fail with EPIPE.
      if (!responded) fail(connectionError(error, connected));
    });
    outgoing.on('response', (incoming) => {
      responded = true;
      const chunks: Buffer[] = [];
      let receivedBytes = 0;
      incoming.on('data', (chunk: Buffer) => {
        receivedBytes += chunk.length;
        if (receivedBytes > MAX_RESPONSE_BYTES) {
          fail(new HttpConnectionError('ERESPONSETOOLARGE', true));
          return;
        }
        chunks.push(chunk);
      });
      incoming.on('error', (error: NodeJS.ErrnoException) => fail(connectionError(error, true)));
      incoming.on('end', () => {
        if (!incoming.complete) {
          fail(new HttpConnectionError('ECONNRESET', true));
          return;
        }
        succeed({
          status: incoming.statusCode ?? 0,
          headers: headerReader(incoming.headers),
          bodyText: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });

    if (typeof body === 'object') {
      outgoing.once('continue', startUpload);
      outgoing.flushHeaders();
    } else {
      outgoing.end(body);
    }
  });
}

function connectionError(error: NodeJS.ErrnoException, connected: boolean): HttpConnectionError {
  const code = typeof error.code === 'string' ? error.code : 'no error code';
  return new HttpConnectionError(code, connected, { cause: error });
}

/** Writes each chunk of `body`, waiting for `drain` when the socket buffer is full. */
async function writeStreamedBody(
  outgoing: http.ClientRequest,
  body: AsyncIterable<Uint8Array>,
): Promise<void> {
  for await (const chunk of body) {
    if (outgoing.destroyed) return;
    if (!outgoing.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          outgoing.off('drain', done);
          outgoing.off('close', done);
          resolve();
        };
        outgoing.on('drain', done);
        outgoing.on('close', done);
      });
    }
  }
}

/** Wraps the headers of a Node response, whose names are lowercase. */
export function headerReader(headers: http.IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    },
  };
}
