/**
 * A Secrets Manager stand-in on 127.0.0.1 for tests and the benchmark. It serves only
 * GetSecretValue, and checks the SigV4 signature of every request by recomputing it with
 * @smithy/signature-v4 (the AWS SDK's signer) from its own credentials and the headers that the
 * request names as signed. Errors come back as AWS sends them: HTTP 400, a JSON body with
 * `__type` and `message`, and the x-amzn-errortype header.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../lambdas/shared/sigv4';

/** Fake credentials that the stand-in accepts. No AWS account has them. */
export const TEST_AWS_CREDENTIALS: AwsCredentials = {
  accessKeyId: 'AKIDLOCALSTANDIN0001',
  secretAccessKey: 'localStandInSecretAccessKeyNotForAws0001',
};

/** TEST_AWS_CREDENTIALS with a fake session token, as a Lambda execution role has. */
export const TEST_AWS_SESSION_CREDENTIALS: AwsCredentials = {
  ...TEST_AWS_CREDENTIALS,
  sessionToken: 'LOCALSTANDINSESSIONTOKEN//NotForAws+0001==',
};

/** Account id in the ARNs that the stand-in reports. */
export const TEST_AWS_ACCOUNT_ID = '123456789012';

/** A secret's value: a SecretString, or bytes returned base64-encoded as SecretBinary. */
export type SecretValue = string | { readonly binary: Buffer };

export interface SecretsManagerServerOptions {
  /** The only credentials whose signatures are accepted. */
  readonly credentials: AwsCredentials;
  /** Region that the credential scope must name, and that the ARNs contain. */
  readonly region: string;
  /** Secrets by name. */
  readonly secrets: Readonly<Record<string, SecretValue>>;
  /**
   * Secret names or SecretIds that get AccessDeniedException, checked before the secret is
   * looked up, as IAM is.
   * @default []
   */
  readonly denied?: readonly string[];
}

/** A running stand-in. */
export interface SecretsManagerServer {
  /** Base URL, such as `http://127.0.0.1:41234`, for AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly endpoint: string;
  /** Requests received so far, rejected ones included. */
  requestCount(): number;
  /** Adds or replaces a secret, giving it a new VersionId. */
  setSecret(name: string, value: SecretValue): void;
  /** Full ARN of the named secret, with the six-character suffix that AWS appends. */
  secretArn(name: string): string;
  /** Headers of the latest request, names lowercased, or undefined before the first one. */
  lastRequestHeaders(): Record<string, string | undefined> | undefined;
  close(): Promise<void>;
}

/** An error that the stand-in returns as AWS does, with its `__type`. */
class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

interface StoredSecret {
  readonly value: SecretValue;
  readonly versionId: string;
  /** Seconds since the epoch, with milliseconds, as AWS returns CreatedDate. */
  readonly createdDate: number;
}

const SERVICE = 'secretsmanager';
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startSecretsManagerServer(
  options: SecretsManagerServerOptions,
): Promise<SecretsManagerServer> {
  const secrets = new Map<string, StoredSecret>();
  const setSecret = (name: string, value: SecretValue): void => {
    secrets.set(name, { value, versionId: randomUUID(), createdDate: Date.now() / 1000 });
  };
  Object.entries(options.secrets).forEach(([name, value]) => setSecret(name, value));
  const secretArn = (name: string): string =>
    `arn:aws:${SERVICE}:${options.region}:${TEST_AWS_ACCOUNT_ID}:secret:${name}-${arnSuffix(name)}`;

  let requests = 0;
  let lastHeaders: Record<string, string | undefined> | undefined;
  const server = createServer((req, res) => {
    requests += 1;
    lastHeaders = flattenHeaders(req);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      verifySignature(req, body, options)
        .then(() => {
          const { name, secret } = findSecret(req, body, options, secrets);
          sendJson(res, 200, {
            ARN: secretArn(name),
            Name: name,
            ...(typeof secret.value === 'string'
              ? { SecretString: secret.value }
              : { SecretBinary: secret.value.binary.toString('base64') }),
            VersionId: secret.versionId,
            VersionStages: ['AWSCURRENT'],
            CreatedDate: secret.createdDate,
          });
        })
        .catch((error: unknown) => sendError(res, error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requestCount: () => requests,
    setSecret,
    secretArn,
    lastRequestHeaders: () => lastHeaders,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Checks the SigV4 signature as AWS does, and throws a ServiceError when it fails. */
async function verifySignature(
  req: IncomingMessage,
  body: Buffer,
  { credentials, region }: SecretsManagerServerOptions,
): Promise<void> {
  const headers = flattenHeaders(req);
  const { accessKeyId, scope, signedHeaders, signature } = parseAuthorization(
    headers.authorization,
  );
  const amzDate = headers['x-amz-date'];
  const signingDate = parseAmzDate(amzDate);

  const sessionToken = headers['x-amz-security-token'];
  if (accessKeyId !== credentials.accessKeyId || sessionToken !== credentials.sessionToken) {
    throw new ServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }

  const expectedScope = `${amzDate?.slice(0, 8)}/${region}/${SERVICE}/aws4_request`;
  if (scope !== expectedScope) {
    throw invalidSignature(`Credential should be scoped to '${expectedScope}', not '${scope}'.`);
  }
  if (!signedHeaders.includes('host')) {
    throw incompleteSignature("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // AWS hashes the body it received, so a signed x-amz-content-sha256 of another body fails.
  // @smithy/signature-v4 would take the header's value as the hash instead.
  const contentSha256 = headers['x-amz-content-sha256'];
  if (contentSha256 !== undefined && contentSha256 !== sha256Hex(body)) {
    throw invalidSignature('The x-amz-content-sha256 header does not match the request body.');
  }
  if (Math.abs(Date.now() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw invalidSignature(
      `Signature expired: X-Amz-Date ${String(amzDate)} is more than 5 minutes from the server's time ${new Date().toISOString()}.`,
    );
  }
  const expected = await computeSignature(req, body, signedHeaders, signingDate, {
    ...credentials,
    region,
  });
  if (expected !== signature) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

function incompleteSignature(message: string): ServiceError {
  return new ServiceError('IncompleteSignatureException', message);
}

function invalidSignature(message: string): ServiceError {
  return new ServiceError('InvalidSignatureException', message);
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  /** Credential scope: `YYYYMMDD/region/service/aws4_request`. */
  readonly scope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
 * NOTE: for a request without an Authorization header AWS may return
 * MissingAuthenticationToken rather than IncompleteSignatureException, which is not verified.
 */
function parseAuthorization(header: string | undefined): ParsedAuthorization {
  const prefix = 'AWS4-HMAC-SHA256 ';
  if (header === undefined)
    throw incompleteSignature('Authorization header is missing. Sign the request with SigV4.');
  const fields = new Map<string, string>();
  for (const field of header.slice(prefix.length).split(',')) {
    const [key = '', value = ''] = field.trim().split('=');
    fields.set(key, value);
  }
  const credential = /^([^/]+)\/(\d{8}\/[^/]+\/[^/]+\/aws4_request)$/.exec(
    fields.get('Credential') ?? '',
  );
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!header.startsWith(prefix) || !credential || !signedHeaders || !signature) {
    throw incompleteSignature(
      `Authorization header must be '${prefix}Credential=KEY/YYYYMMDD/REGION/SERVICE/aws4_request, SignedHeaders=..., Signature=...', got '${header}'.`,
    );
  }
  const [, accessKeyId = '', scope = ''] = credential;
  return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature };
}

/** Parses an X-Amz-Date value such as `20150830T123600Z`. */
function parseAmzDate(amzDate: string | undefined): Date {
  const basicFormat = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
  const date = new Date(amzDate?.replace(basicFormat, '$1-$2-$3T$4:$5:$6Z') ?? '');
  if (amzDate === undefined || !basicFormat.test(amzDate) || Number.isNaN(date.getTime())) {
    throw incompleteSignature(
      `X-Amz-Date must be a date in ISO 8601 basic format such as 20150830T123600Z, got '${String(amzDate)}'.`,
    );
  }
  return date;
}

/** Signs the request again with @smithy/signature-v4 and returns the signature it computes. */
async function computeSignature(
  req: IncomingMessage,
  body: Buffer,
  signedNames: readonly string[],
  signingDate: Date,
  { accessKeyId, secretAccessKey, region }: AwsCredentials & { region: string },
): Promise<string | undefined> {
  const headers = flattenHeaders(req);
  const signedHeaders: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headers[name];
    if (value !== undefined) signedHeaders[name] = value;
  }
  const [path = '/', search = ''] = (req.url ?? '/').split('?', 2);
  // The token is passed as a signed header when the client signed it, not as a credential, so
  // that the recomputed request contains exactly the headers the client signed.
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region,
    service: SERVICE,
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method ?? 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      path,
      query: parseQuery(search),
      headers: signedHeaders,
      body,
    },
    // NOTE: the signer always drops a `date` header, so a client that signs `date` fails here.
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  return /Signature=([0-9a-f]+)$/.exec(String(signed.headers.authorization))?.[1];
}

/** Decodes a raw query into names and values, keeping `+` a plus as RFC 3986 does. */
function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const pair of search.split('&').filter((part) => part !== '')) {
    const [rawName = '', ...rawValue] = pair.split('=');
    const name = decodeURIComponent(rawName);
    const value = decodeURIComponent(rawValue.join('='));
    const existing = query[name];
    query[name] = existing === undefined ? value : [existing, value].flat();
  }
  return query;
}

/**
 * Checks the operation and finds the secret that the SecretId names, by name, by its ARN, or by
 * any ARN that ends in `:secret:NAME-` and six letters or digits. Throws AccessDeniedException
 * before ResourceNotFoundException, so a denied id that names no secret is still denied.
 */
function findSecret(
  req: IncomingMessage,
  body: Buffer,
  options: SecretsManagerServerOptions,
  secrets: ReadonlyMap<string, StoredSecret>,
): { name: string; secret: StoredSecret } {
  const target = req.headers['x-amz-target'];
  const contentType = req.headers['content-type'];
  if (
    req.method !== 'POST' ||
    req.url !== '/' ||
    target !== 'secretsmanager.GetSecretValue' ||
    contentType !== 'application/x-amz-json-1.1'
  ) {
    throw new ServiceError(
      'UnknownOperationException',
      `Only POST / with x-amz-target secretsmanager.GetSecretValue and content-type application/x-amz-json-1.1 is served, got ${req.method} ${req.url} with target '${String(target)}' and content-type '${String(contentType)}'.`,
    );
  }
  const secretId = parseSecretId(body);
  const arnMatch = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}$/.exec(
    secretId,
  );
  const name = arnMatch?.[1] ?? secretId;
  if (options.denied?.some((denied) => denied === secretId || denied === name)) {
    throw new ServiceError(
      'AccessDeniedException',
      `User: arn:aws:sts::${TEST_AWS_ACCOUNT_ID}:assumed-role/test/test is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretId} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
    );
  }
  const secret = secrets.get(name);
  if (secret === undefined) {
    throw new ServiceError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }
  return { name, secret };
}

function parseSecretId(body: Buffer): string {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  const secretId = (input as { SecretId?: unknown } | null)?.SecretId;
  if (typeof secretId !== 'string' || secretId === '') {
    throw new ServiceError(
      'ValidationException',
      "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must not be null or empty",
    );
  }
  return secretId;
}

function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Six letters and digits from the name, so an ARN is the same in every run. */
function arnSuffix(name: string): string {
  return createHash('sha256')
    .update(name)
    .digest('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 6);
}

function flattenHeaders(req: IncomingMessage): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : value,
    ]),
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/x-amz-json-1.1');
  res.setHeader('x-amzn-requestid', randomUUID());
  if (errorType !== undefined) res.setHeader('x-amzn-errortype', errorType);
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof ServiceError) {
    sendJson(res, 400, { __type: error.type, message: error.message }, error.type);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  sendJson(res, 500, { __type: 'InternalServiceError', message }, 'InternalServiceError');
}
