import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import {
  HttpConnectionError,
  HttpTimeoutError,
  sendHttpRequest,
} from '../../lambdas/shared/http-request';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  readonly url: URL;
  /** Remote ports of the connections accepted so far, one per TCP connection. */
  readonly connections: number[];
  close(): Promise<void>;
}

async function startServer(handler: Handler, onCheckContinue?: Handler): Promise<TestServer> {
  const connections: number[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer(handler);
  if (onCheckContinue !== undefined) server.on('checkContinue', onCheckContinue);
  server.on('connection', (socket) => {
    connections.push(socket.remotePort ?? 0);
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}/path`),
    connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

async function* chunks(parts: string[], failAfter?: number): AsyncIterable<Uint8Array> {
  for (const [index, part] of parts.entries()) {
    if (index === failAfter) throw new RangeError('source failed');
    yield Buffer.from(part);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const GET = { method: 'GET', headers: {}, timeoutMs: 2_000, keepAlive: false } as const;

let server: TestServer | undefined;

afterEach(async () => {
  jest.restoreAllMocks();
  await server?.close();
  server = undefined;
});

describe('sendHttpRequest', () => {
  it('returns the status, headers and body text', async () => {
    server = await startServer((req, res) => {
      res.setHeader('Request-Id', 'req_1');
      res.statusCode = 418;
      res.end(`${req.method} ${String(req.headers['x-test'])}`);
    });

    const response = await sendHttpRequest({ ...GET, url: server.url, headers: { 'x-test': 'a' } });

    expect(response.status).toBe(418);
    expect(response.headers.get('request-id')).toBe('req_1');
    expect(response.headers.get('missing')).toBeUndefined();
    expect(response.bodyText).toBe('GET a');
  });

  it('sends a string body with its length', async () => {
    server = await startServer((req, res) => {
      void readBody(req).then((body) => res.end(`${req.headers['content-length']}:${body}`));
    });

    const response = await sendHttpRequest({ ...GET, method: 'POST', url: server.url, body: 'é1' });

    expect(response.bodyText).toBe('3:é1');
  });

  it('times out a server that never answers', async () => {
    server = await startServer(() => undefined);

    const sent = sendHttpRequest({ ...GET, url: server.url, timeoutMs: 100 });

    await expect(sent).rejects.toBeInstanceOf(HttpTimeoutError);
  });

  it('reports a timeout during the TLS handshake as not sent', async () => {
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const url = new URL(`https://127.0.0.1:${port}/`);

    const error: unknown = await sendHttpRequest({ ...GET, url, timeoutMs: 200 })
      .catch((e: unknown) => e)
      .finally(() => {
        silent.close();
      });

    expect(error).toBeInstanceOf(HttpTimeoutError);
    expect((error as HttpTimeoutError).requestMayHaveBeenSent).toBe(false);
  });

  it('reports a timeout after the request as possibly sent', async () => {
    server = await startServer(() => undefined);

    const error: unknown = await sendHttpRequest({ ...GET, url: server.url, timeoutMs: 100 }).catch(
      (e: unknown) => e,
    );

    expect((error as HttpTimeoutError).requestMayHaveBeenSent).toBe(true);
  });

  it('reports a refused connection as not sent', async () => {
    server = await startServer(() => undefined);
    const { url } = server;
    await server.close();
    server = undefined;

    const error: unknown = await sendHttpRequest({ ...GET, url }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(HttpConnectionError);
    expect((error as HttpConnectionError).code).toBe('ECONNREFUSED');
    expect((error as HttpConnectionError).requestMayHaveBeenSent).toBe(false);
  });

  it('reports a connection reset after the request as possibly sent', async () => {
    server = await startServer((req) => req.socket.destroy());

    const error: unknown = await sendHttpRequest({ ...GET, url: server.url }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(HttpConnectionError);
    expect((error as HttpConnectionError).requestMayHaveBeenSent).toBe(true);
  });

  it('reports a response cut short as possibly sent', async () => {
    server = await startServer((_req, res) => {
      res.setHeader('content-length', '100');
      res.write('partial', () => res.socket?.destroy());
    });

    const error: unknown = await sendHttpRequest({ ...GET, url: server.url }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(HttpConnectionError);
    expect((error as HttpConnectionError).requestMayHaveBeenSent).toBe(true);
  });
});

describe('sendHttpRequest with a streamed body', () => {
  it('waits for 100 Continue, then streams every chunk', async () => {
    server = await startServer(
      () => undefined,
      (req, res) => {
        res.writeContinue();
        void readBody(req).then((body) => res.end(`${req.headers.expect ?? ''}:${body}`));
      },
    );

    const response = await sendHttpRequest({
      ...GET,
      method: 'POST',
      url: server.url,
      body: chunks(['a', 'b', 'c']),
    });

    expect(response.bodyText).toBe('100-continue:abc');
  });

  it('gets a refusal before sending any of the body', async () => {
    let bodyBytes = 0;
    server = await startServer(
      () => undefined,
      (req, res) => {
        req.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
        res.statusCode = 401;
        res.end('refused');
      },
    );

    const response = await sendHttpRequest({
      ...GET,
      method: 'POST',
      url: server.url,
      body: chunks(['x'.repeat(100_000), 'y']),
    });

    expect(response.status).toBe(401);
    expect(bodyBytes).toBe(0);
  });

  it('starts the upload after 1 s when the server ignores expect', async () => {
    // Reads the body without sending 100 Continue, as a server that ignores the header does.
    server = await startServer(
      () => undefined,
      (req, res) => {
        void readBody(req).then((body) => res.end(body));
      },
    );

    const startedMs = Date.now();
    const response = await sendHttpRequest({
      ...GET,
      method: 'POST',
      url: server.url,
      body: chunks(['late', ' body']),
    });

    expect(response.bodyText).toBe('late body');
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(900);
  });

  it('uploads once when 100 Continue comes after the upload has started', async () => {
    let iterations = 0;
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        iterations += 1;
        return chunks(['once'])[Symbol.asyncIterator]();
      },
    };
    server = await startServer(
      () => undefined,
      (req, res) => {
        setTimeout(() => res.writeContinue(), 1_300);
        void readBody(req).then((text) => setTimeout(() => res.end(text), 400));
      },
    );

    const response = await sendHttpRequest({ ...GET, method: 'POST', url: server.url, body });

    expect(response.bodyText).toBe('once');
    expect(iterations).toBe(1);
  });

  it('destroys the connection and rethrows when the source fails', async () => {
    let received = '';
    let ended = false;
    server = await startServer(
      () => undefined,
      (req, res) => {
        res.writeContinue();
        req.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
        req.on('end', () => (ended = true));
      },
    );

    const sent = sendHttpRequest({
      ...GET,
      method: 'POST',
      url: server.url,
      body: chunks(['first', 'second', 'third'], 2),
    });

    await expect(sent).rejects.toThrow('source failed');
    expect(received).toBe('firstsecond');
    expect(ended).toBe(false);
  });
});

describe('sendHttpRequest response size', () => {
  it('stops reading a body over 8 MiB', async () => {
    server = await startServer((_req, res) => {
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      for (let i = 0; i < 9; i += 1) res.write(chunk);
      res.end();
    });

    const error: unknown = await sendHttpRequest({ ...GET, url: server.url }).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(HttpConnectionError);
    expect((error as HttpConnectionError).code).toBe('ERESPONSETOOLARGE');
  });
});

describe('sendHttpRequest keep-alive', () => {
  it('reuses a connection within 4 s and opens a new one after', async () => {
    server = await startServer((_req, res) => res.end('ok'));
    const keepAlive = { ...GET, url: server.url, keepAlive: true };
    let nowMs = Date.now();
    jest.spyOn(Date, 'now').mockImplementation(() => nowMs);

    await sendHttpRequest(keepAlive);
    nowMs += 3_000;
    await sendHttpRequest(keepAlive);
    expect(server.connections).toHaveLength(1);

    nowMs += 5_000;
    await sendHttpRequest(keepAlive);
    expect(server.connections).toHaveLength(2);
  });

  it('opens a new connection per request without keep-alive', async () => {
    server = await startServer((_req, res) => res.end('ok'));

    await sendHttpRequest({ ...GET, url: server.url });
    await sendHttpRequest({ ...GET, url: server.url });

    expect(server.connections).toHaveLength(2);
  });
});
