import type { IncomingMessage } from 'node:http';

/** Thrown when a request body exceeds the size limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Thrown when the client closes the connection before sending the whole body. */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
}

/**
 * Reads the request body into memory, counting bytes as they arrive. It rejects with
 * BodyTooLargeError as soon as content-length or the bytes received so far exceed `maxBytes`,
 * and then stops reading the body.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declaredBytes = Number(req.headers['content-length'] ?? 0);
  if (declaredBytes > maxBytes) {
    return Promise.reject(tooLarge(declaredBytes, maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const stop = (error: Error) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      req.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes > maxBytes) {
        stop(tooLarge(receivedBytes, maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('close', onClose);
      resolve(Buffer.concat(chunks));
    };
    const onClose = () =>
      stop(
        new ClientClosedError(
          'The client closed the connection before the request body was complete',
        ),
      );
    req.on('data', onData).once('end', onEnd).once('close', onClose);
  });
}

/**
 * Returns a function that reads the request body with readBody on its first call and returns
 * the same promise on every later call, so that two readers of one request see the same bytes.
 */
export function bodyReader(req: IncomingMessage, maxBytes: number): () => Promise<Buffer> {
  let pending: Promise<Buffer> | undefined;
  return () => {
    pending ??= readBody(req, maxBytes);
    return pending;
  };
}

function tooLarge(bytes: number, maxBytes: number): BodyTooLargeError {
  return new BodyTooLargeError(
    `Request body of at least ${bytes} bytes exceeds the limit of ${maxBytes} bytes; split the requests into smaller batches`,
  );
}
