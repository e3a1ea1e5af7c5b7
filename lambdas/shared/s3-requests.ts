/**
 * Reading a requests object from S3 for the `requestsS3Uri` input mode, as a stream of chunks.
 *
 * The S3 client uses the SDK's defaults (credentials and region from the Lambda environment,
 * its standard retries of GetObject before any byte is read). AWS_ENDPOINT_URL_S3, when set,
 * points it at another S3-compatible server, such as a local one in tests.
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { RequestsObjectUnreadableError } from './errors';
import { invalidField } from './input-values';
import { formatS3Uri, type S3ObjectLocation } from './s3-uri';

/** An opened requests object. */
export interface RequestsObject {
  /** The object's bytes; reading fails with RequestsObjectUnreadableError if S3 does. */
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Size that S3 reported, in bytes. */
  readonly contentLength?: number;
  /** Stops reading and releases the connection; safe to call more than once. */
  close(): void;
}

let cachedClient: { endpoint: string | undefined; client: S3Client } | undefined;

/**
 * Sends GetObject for the object. A missing object or bucket throws `InvalidInputError` on
 * requestsS3Uri; any other failure throws `RequestsObjectUnreadableError`.
 */
export async function openRequestsObject(location: S3ObjectLocation): Promise<RequestsObject> {
  const uri = formatS3Uri(location);
  let body: Readable;
  let contentLength: number | undefined;
  try {
    const response = await s3Client().send(
      new GetObjectCommand({ Bucket: location.bucket, Key: location.key }),
    );
    // In Node.js the SDK returns the body as a Readable stream.
    body = response.Body as Readable;
    contentLength = response.ContentLength;
  } catch (error) {
    throw errorFromGetObject(error, uri);
  }
  return { chunks: readChunks(body, uri), contentLength, close: () => body.destroy() };
}

function s3Client(): S3Client {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3 || undefined;
  if (cachedClient === undefined || cachedClient.endpoint !== endpoint) {
    // A custom endpoint is a local or S3-compatible server, addressed by path because its host
    // name has no bucket subdomains.
    const config = endpoint === undefined ? {} : { endpoint, forcePathStyle: true };
    cachedClient = { endpoint, client: new S3Client(config) };
  }
  return cachedClient.client;
}

async function* readChunks(body: Readable, uri: string): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  try {
    for await (const chunk of body) {
      const bytes = chunk as Buffer;
      bytesRead += bytes.length;
      yield bytes;
    }
  } catch (error) {
    throw new RequestsObjectUnreadableError(
      `Reading ${uri} from S3 failed after ${bytesRead} bytes (${describeCause(error)}). The create request body was not complete, so no batch was created; start a new execution.`,
      { cause: error },
    );
  } finally {
    body.destroy();
  }
}

function errorFromGetObject(error: unknown, uri: string): Error {
  if (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NoSuchBucket')
  ) {
    const missing =
      error.name === 'NoSuchKey' ? 'no object exists at this key' : 'the bucket does not exist';
    return invalidField({
      context: 'execution input',
      field: 'requestsS3Uri',
      valueDescription: JSON.stringify(uri),
      rule: `${missing} (S3 ${error.name})`,
      fix: 'upload the requests object first, or correct the URI',
    });
  }
  if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 403) {
    return new RequestsObjectUnreadableError(
      `S3 denied GetObject on ${uri} (${error.name}, request id ${error.$metadata.requestId ?? 'unknown'}). The stack lets the create function read objects under the requests prefix; check the bucket policy, and if a customer managed KMS key encrypts the object, allow the function kms:Decrypt on that key. No batch was created.`,
      { cause: error },
    );
  }
  return new RequestsObjectUnreadableError(
    `Could not read ${uri} from S3 (${describeCause(error)}). No batch was created; start a new execution once the object is readable.`,
    { cause: error },
  );
}

/** Names an S3 or network failure by its error name, HTTP status or code, never its text. */
function describeCause(error: unknown): string {
  if (error instanceof S3ServiceException) {
    return `${error.name}, HTTP ${error.$metadata.httpStatusCode ?? 'status unknown'}`;
  }
  if (typeof error === 'object' && error !== null) {
    const { name, code } = error as { name?: unknown; code?: unknown };
    if (typeof code === 'string') return code;
    if (typeof name === 'string') return name;
  }
  return 'unknown error';
}
