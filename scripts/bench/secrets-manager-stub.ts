/**
 * A local stand-in for the Secrets Manager endpoint, on 127.0.0.1, so that handlers in child
 * processes read the API key through their real path (Powertools parameters and the AWS SDK
 * client) without contacting AWS. It serves only GetSecretValue.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running stub. */
export interface SecretsManagerStub {
  /** Base URL to set as AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly endpoint: string;
  /** GetSecretValue requests served so far. */
  requestCount(): number;
  close(): Promise<void>;
}

/** Starts the stub; every GetSecretValue returns `secretString` for whatever SecretId it names. */
export async function startSecretsManagerStub(secretString: string): Promise<SecretsManagerStub> {
  let requests = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (req.method !== 'POST' || target !== 'secretsmanager.GetSecretValue') {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: String(target) }));
        return;
      }
      requests += 1;
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        SecretId: string;
      };
      res.end(
        JSON.stringify({
          ARN: SecretId,
          Name: SecretId.split(':').pop(),
          SecretString: secretString,
          VersionId: 'bench-version-1',
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1_700_000_000,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
