/**
 * A real S3-compatible server for tests: s3rver on 127.0.0.1 with a temporary directory, and
 * the environment that points the AWS SDK at it without reading any AWS configuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** The key pair that s3rver accepts; it is not an AWS credential. */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** A running s3rver. */
export interface LocalS3 {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  putObject(bucket: string, key: string, body: string | Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Starts s3rver on a free port of 127.0.0.1 and creates `buckets`. */
export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'batch-teardown-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: LOCAL_S3_CREDENTIALS,
  });
  for (const bucket of buckets) {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
  return {
    endpoint,
    putObject: async (bucket, key, body) => {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Environment that makes the handlers' S3 client call `endpoint` with the s3rver key pair:
 * no metadata service, no shared config or credentials files.
 */
export function localS3Environment(endpoint: string): Record<string, string> {
  const missingFile = path.join(os.tmpdir(), 'batch-teardown-no-aws-config');
  return {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: missingFile,
    AWS_SHARED_CREDENTIALS_FILE: missingFile,
  };
}

/** Sets `variables` in process.env and returns a function that restores the previous values. */
export function setEnvironment(variables: Record<string, string>): () => void {
  const previous = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
  Object.assign(process.env, variables);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Request objects `{custom_id, params}` with ids `req-0`, `req-1`, ... */
export function makeRequests(count: number, promptChars = 40): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `req-${index}`,
    params: {
      model: 'claude-haiku-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: `Say ${index}. ${'x'.repeat(promptChars)}` }],
    },
  }));
}

/** Formats requests as JSON Lines, one per line. */
export function toJsonLines(requests: unknown[]): string {
  return requests.map((request) => JSON.stringify(request)).join('\n') + '\n';
}
