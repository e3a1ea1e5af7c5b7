/**
 * Tests of the Secrets Manager stand-in over real HTTP on 127.0.0.1. Requests are signed with
 * @smithy/signature-v4, the AWS SDK's signer, so that the stand-in is checked against AWS's
 * behaviour and not only against the project's own signer.
 */
import { request as httpRequest } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest, type AwsCredentials } from '../../lambdas/shared/sigv4';
import {
  startSecretsManagerServer,
  TEST_AWS_CREDENTIALS,
  TEST_AWS_SESSION_CREDENTIALS,
  type SecretsManagerServer,
} from '../secrets-manager-server';

const REGION = 'eu-west-1';
const SECRET_NAME = 'claude-batch-teardown/api-key';
const SECRET_VALUE = 'sk-ant-stand-in-test-value';
const BINARY_NAME = 'binary-secret';
const BINARY_VALUE = Buffer.from([0, 1, 2, 250, 255]);
const DENIED_NAME = 'denied-secret';
const GET_SECRET_VALUE_HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': 'secretsmanager.GetSecretValue',
};

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

interface SignedCall {
  /** @default TEST_AWS_CREDENTIALS */
  credentials?: AwsCredentials;
  /** Body to sign. @default {"SecretId": SECRET_NAME} */
  body?: string;
  /** Body to send, when it differs from the signed one. */
  sentBody?: string;
  headers?: Record<string, string>;
  /** @default 'secretsmanager' */
  service?: string;
  /** @default REGION */
  region?: string;
  /** @default the current time */
  signingDate?: Date;
  /** Sign x-amz-content-sha256 too, as the AWS SDK does. @default false */
  applyChecksum?: boolean;
  /** Leave host out of the signed headers, although node:http still sends it. @default false */
  unsignedHost?: boolean;
  /** Changes the signed headers before they are sent. */
  alter?: (headers: Record<string, string>) => void;
}

let server: SecretsManagerServer;

beforeAll(async () => {
  server = await startSecretsManagerServer({
    credentials: TEST_AWS_CREDENTIALS,
    region: REGION,
    secrets: { [SECRET_NAME]: SECRET_VALUE, [BINARY_NAME]: { binary: BINARY_VALUE } },
    denied: [DENIED_NAME],
  });
});

afterAll(() => server.close());

function secretIdBody(secretId: string): string {
  return JSON.stringify({ SecretId: secretId });
}

/** Sends a POST to the stand-in with node:http, as the handlers will, and parses the reply. */
function post(url: URL, headers: Record<string, string>, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs a GetSecretValue request with @smithy/signature-v4 and sends it. */
async function callSignedBySmithy(call: SignedCall = {}, target = server): Promise<Reply> {
  const url = new URL(target.endpoint);
  const body = call.body ?? secretIdBody(SECRET_NAME);
  const signer = new SignatureV4({
    credentials: call.credentials ?? TEST_AWS_CREDENTIALS,
    region: call.region ?? REGION,
    service: call.service ?? 'secretsmanager',
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: call.applyChecksum ?? false,
  });
  const host: Record<string, string> = call.unsignedHost ? {} : { host: url.host };
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: { ...host, ...GET_SECRET_VALUE_HEADERS, ...call.headers },
      body,
    },
    { signingDate: call.signingDate ?? new Date() },
  );
  const headers = { ...(signed.headers as Record<string, string>) };
  call.alter?.(headers);
  return post(url, headers, call.sentBody ?? body);
}

describe('Secrets Manager stand-in', () => {
  it('accepts a @smithy/signature-v4 signature', async () => {
    const reply = await callSignedBySmithy();

    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(reply.json).toEqual({
      ARN: server.secretArn(SECRET_NAME),
      Name: SECRET_NAME,
      SecretString: SECRET_VALUE,
      VersionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      VersionStages: ['AWSCURRENT'],
      CreatedDate: expect.any(Number),
    });
  });

  it('accepts a signRequest signature', async () => {
    const url = new URL(server.endpoint);
    const body = secretIdBody(SECRET_NAME);
    const headers = signRequest(
      { method: 'POST', url, headers: GET_SECRET_VALUE_HEADERS, body },
      { credentials: TEST_AWS_CREDENTIALS, region: REGION, service: 'secretsmanager' },
    );

    const reply = await post(url, headers, body);

    expect(reply.status).toBe(200);
    expect(reply.json.SecretString).toBe(SECRET_VALUE);
  });

  it('accepts a signed x-amz-content-sha256', async () => {
    const reply = await callSignedBySmithy({ applyChecksum: true });

    expect(reply.status).toBe(200);
  });

  it('returns bytes as base64 SecretBinary', async () => {
    const reply = await callSignedBySmithy({ body: secretIdBody(BINARY_NAME) });

    expect(reply.status).toBe(200);
    expect(reply.json.SecretBinary).toBe(BINARY_VALUE.toString('base64'));
    expect(reply.json).not.toHaveProperty('SecretString');
  });

  it.each([
    { form: 'its own ARN', secretId: () => server.secretArn(SECRET_NAME) },
    {
      form: 'an ARN with another suffix',
      secretId: () => `arn:aws:secretsmanager:${REGION}:210987654321:secret:${SECRET_NAME}-Zz9Yy8`,
    },
  ])('resolves $form to the named secret', async ({ secretId }) => {
    const reply = await callSignedBySmithy({ body: secretIdBody(secretId()) });

    expect(reply.status).toBe(200);
    expect(reply.json.Name).toBe(SECRET_NAME);
    expect(reply.json.SecretString).toBe(SECRET_VALUE);
  });

  it('builds an ARN with a six-character suffix', () => {
    expect(server.secretArn(SECRET_NAME)).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:claude-batch-teardown\/api-key-[A-Za-z0-9]{6}$/,
    );
  });

  it.each<{ case: string; call: SignedCall; type: string }>([
    {
      case: 'tampered body',
      call: { sentBody: secretIdBody(`${SECRET_NAME}x`) },
      type: 'InvalidSignatureException',
    },
    {
      case: 'tampered body with x-amz-content-sha256',
      call: { applyChecksum: true, sentBody: secretIdBody(`${SECRET_NAME}x`) },
      type: 'InvalidSignatureException',
    },
    {
      case: 'wrong secret access key',
      call: { credentials: { ...TEST_AWS_CREDENTIALS, secretAccessKey: 'wrong-secret-key' } },
      type: 'InvalidSignatureException',
    },
    {
      case: 'tampered signed header',
      call: {
        headers: { 'x-amz-meta-check': 'signed' },
        alter: (headers) => {
          headers['x-amz-meta-check'] = 'changed';
        },
      },
      type: 'InvalidSignatureException',
    },
    {
      case: 'scope with another region',
      call: { region: 'us-east-1' },
      type: 'InvalidSignatureException',
    },
    {
      case: 'scope with another service',
      call: { service: 'ssm' },
      type: 'InvalidSignatureException',
    },
    {
      case: 'signature older than 5 minutes',
      call: { signingDate: new Date(Date.now() - 6 * 60 * 1000) },
      type: 'InvalidSignatureException',
    },
    {
      case: 'unknown access key id',
      call: { credentials: { ...TEST_AWS_CREDENTIALS, accessKeyId: 'AKIDUNKNOWNKEY000001' } },
      type: 'UnrecognizedClientException',
    },
    {
      case: 'session token the stand-in does not expect',
      call: { credentials: TEST_AWS_SESSION_CREDENTIALS },
      type: 'UnrecognizedClientException',
    },
    {
      case: 'missing authorization header',
      call: {
        alter: (headers) => {
          delete headers.authorization;
        },
      },
      type: 'IncompleteSignatureException',
    },
    {
      case: 'garbled authorization header',
      call: {
        alter: (headers) => {
          headers.authorization = 'AWS4-HMAC-SHA256 Credential=, Signature=abc';
        },
      },
      type: 'IncompleteSignatureException',
    },
    {
      case: 'host not signed',
      call: { unsignedHost: true },
      type: 'IncompleteSignatureException',
    },
    {
      case: 'missing x-amz-date header',
      call: {
        alter: (headers) => {
          delete headers['x-amz-date'];
        },
      },
      type: 'IncompleteSignatureException',
    },
    {
      case: 'unknown secret',
      call: { body: secretIdBody('no-such-secret') },
      type: 'ResourceNotFoundException',
    },
    {
      case: 'ARN of an unknown secret',
      call: {
        body: secretIdBody(`arn:aws:secretsmanager:${REGION}:123456789012:secret:nope-AbCdEf`),
      },
      type: 'ResourceNotFoundException',
    },
    {
      case: 'denied secret',
      call: { body: secretIdBody(DENIED_NAME) },
      type: 'AccessDeniedException',
    },
    {
      case: 'ARN of a denied secret',
      call: {
        body: secretIdBody(
          `arn:aws:secretsmanager:${REGION}:123456789012:secret:${DENIED_NAME}-AbCdEf`,
        ),
      },
      type: 'AccessDeniedException',
    },
    {
      case: 'other operation',
      call: { headers: { 'x-amz-target': 'secretsmanager.ListSecrets' } },
      type: 'UnknownOperationException',
    },
    {
      case: 'body that is not JSON',
      call: { body: '{"SecretId":' },
      type: 'SerializationException',
    },
    { case: 'body without SecretId', call: { body: '{}' }, type: 'ValidationException' },
  ])('rejects $case with $type', async ({ call, type }) => {
    const reply = await callSignedBySmithy(call);

    expect(reply.status).toBe(400);
    expect(reply.json.__type).toBe(type);
    expect(reply.json.message).toEqual(expect.any(String));
    expect(reply.headers['x-amzn-errortype']).toBe(type);
  });

  it('names the expected scope for another region', async () => {
    const reply = await callSignedBySmithy({ region: 'us-east-1' });

    expect(reply.json.message).toMatch(/^Credential should be scoped to '\d{8}\/eu-west-1\//);
  });

  it('counts requests and records the last headers', async () => {
    const before = server.requestCount();

    await callSignedBySmithy();
    await callSignedBySmithy({ body: secretIdBody('no-such-secret') });

    expect(server.requestCount()).toBe(before + 2);
    expect(server.lastRequestHeaders()?.['x-amz-target']).toBe('secretsmanager.GetSecretValue');
    expect(server.lastRequestHeaders()?.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=/);
  });

  it('setSecret replaces the value and the VersionId', async () => {
    const name = 'rotated-secret';
    server.setSecret(name, 'first');
    const first = await callSignedBySmithy({ body: secretIdBody(name) });

    server.setSecret(name, 'second');
    const second = await callSignedBySmithy({ body: secretIdBody(name) });

    expect(first.json.SecretString).toBe('first');
    expect(second.json.SecretString).toBe('second');
    expect(second.json.VersionId).not.toBe(first.json.VersionId);
  });
});

describe('Secrets Manager stand-in with a session token', () => {
  let tokenServer: SecretsManagerServer;

  beforeAll(async () => {
    tokenServer = await startSecretsManagerServer({
      credentials: TEST_AWS_SESSION_CREDENTIALS,
      region: REGION,
      secrets: { [SECRET_NAME]: SECRET_VALUE },
    });
  });

  afterAll(() => tokenServer.close());

  it('accepts the signed session token', async () => {
    const reply = await callSignedBySmithy(
      { credentials: TEST_AWS_SESSION_CREDENTIALS },
      tokenServer,
    );

    expect(reply.status).toBe(200);
    expect(reply.json.SecretString).toBe(SECRET_VALUE);
  });

  it('rejects a request without the session token', async () => {
    const reply = await callSignedBySmithy({ credentials: TEST_AWS_CREDENTIALS }, tokenServer);

    expect(reply.json.__type).toBe('UnrecognizedClientException');
  });

  it('rejects a session token changed after signing', async () => {
    const reply = await callSignedBySmithy(
      {
        credentials: TEST_AWS_SESSION_CREDENTIALS,
        alter: (headers) => {
          headers['x-amz-security-token'] = `${TEST_AWS_SESSION_CREDENTIALS.sessionToken}x`;
        },
      },
      tokenServer,
    );

    expect(reply.json.__type).toBe('UnrecognizedClientException');
  });
});
