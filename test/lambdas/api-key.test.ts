/**
 * Tests of the API key read from Secrets Manager over real HTTP to the stand-in on 127.0.0.1,
 * with the environment that Lambda sets: region, role credentials, endpoint and secret id.
 * A loopback guard makes any connection to another host throw.
 */
import { createServer, type ServerResponse } from 'node:http';
import { Socket, type AddressInfo } from 'node:net';
import type { Emulator } from '../../emulator';
import { handler as cancelHandler } from '../../lambdas/cancel-message-batch';
import {
  clearApiKeyCache,
  getApiKey,
  setApiKeyProvider,
  withApiKeyRetry,
} from '../../lambdas/shared/api-key';
import {
  ApiKeyUnavailableError,
  AuthenticationError,
  ConfigurationError,
} from '../../lambdas/shared/errors';
import { getSecretValue, secretsManagerEndpoint } from '../../lambdas/shared/secrets-manager';
import type { AwsCredentials } from '../../lambdas/shared/sigv4';
import {
  startSecretsManagerServer,
  TEST_AWS_SESSION_CREDENTIALS,
  type SecretsManagerServer,
} from '../secrets-manager-server';
import {
  allowAllConnections,
  allowOnlyLoopbackConnections,
  assertNotLogged,
  captureLogs,
  closedPortUrl,
  invokeExpectingError,
  startTestEmulator,
  TEST_API_KEY,
  TEST_REQUESTS,
  type LogCapture,
} from './lambda-test-env';

const REGION = 'us-east-1';
const SECRET_ID = 'claude-batch-teardown/api-key';
const SECRET_VALUE = 'sk-ant-test-secret-value-123';
const BINARY_SECRET_ID = 'claude-batch-teardown/binary-key';
const DENIED_SECRET_ID = 'claude-batch-teardown/denied-key';

/** Variables that each test starts from: those Lambda sets, and the settings read here. */
const ENV_NAMES = [
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SECRETS_MANAGER',
  'AWS_USE_FIPS_ENDPOINT',
  'API_KEY_SECRET_ID',
  'API_KEY_CACHE_SECONDS',
  'HTTP_TIMEOUT_MS',
] as const;

/**
 * Values from before this file ran, restored after it. ANTHROPIC_BASE_URL is among them because
 * startTestEmulator sets it.
 */
const savedEnv = new Map(
  [...ENV_NAMES, 'ANTHROPIC_BASE_URL'].map((name) => [name, process.env[name]]),
);

let standIn: SecretsManagerServer;
let capture: LogCapture;

/** Sets or, for `undefined`, deletes each variable. */
function setEnv(values: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** Sets the variables as Lambda would for a function whose role may read the secret. */
function setLambdaEnv(): void {
  setEnv(Object.fromEntries(ENV_NAMES.map((name) => [name, undefined])));
  setEnv({
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: TEST_AWS_SESSION_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_AWS_SESSION_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: TEST_AWS_SESSION_CREDENTIALS.sessionToken,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: standIn.endpoint,
    API_KEY_SECRET_ID: SECRET_ID,
  });
}

async function catchApiKeyError(): Promise<ApiKeyUnavailableError> {
  try {
    await getApiKey();
  } catch (error) {
    if (error instanceof ApiKeyUnavailableError) return error;
    throw error;
  }
  throw new Error('getApiKey returned a key');
}

/** Reads the key, which must fail, and checks that no TCP connection was opened meanwhile. */
async function expectFailureWithoutConnecting(): Promise<ApiKeyUnavailableError> {
  const connect = jest.spyOn(Socket.prototype, 'connect');
  try {
    const error = await catchApiKeyError();
    expect(connect).not.toHaveBeenCalled();
    return error;
  } finally {
    connect.mockRestore();
  }
}

function unauthorized(): AuthenticationError {
  return new AuthenticationError({ message: 'Authentication failed (HTTP 401).', status: 401 });
}

/** A function that writes the whole response of the test server. */
type Reply = (res: ServerResponse) => void;

/** Returns a Reply with the given status, body and headers. */
function reply(status: number, body: string, headers: Record<string, string> = {}): Reply {
  return (res) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers });
    res.end(body);
  };
}

/** Returns a Reply with an error as AWS's JSON protocol sends it, with a namespace in `__type`. */
function awsError(errorType: string): Reply {
  const body = { __type: `com.amazon.coral.service#${errorType}`, message: 'Request rejected.' };
  return reply(400, JSON.stringify(body), { 'x-amzn-errortype': errorType });
}

/**
 * Points the function at a server on 127.0.0.1 that responds to every request with `send`, for
 * responses that the stand-in never sends, and reads the key, which must fail. A `send` that
 * never ends the response makes the request time out.
 */
async function catchApiKeyErrorWithReply(send: Reply): Promise<ApiKeyUnavailableError> {
  const server = await useReplySequence([send]);
  return catchApiKeyError().finally(() => server.close());
}

/**
 * Starts a server on 127.0.0.1 that responds to its requests with `replies` in turn (the last one
 * for every later request), points the function at it, and returns its request counter.
 */
async function useReplySequence(
  replies: Reply[],
): Promise<{ requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    const send = replies[Math.min(requests, replies.length - 1)];
    requests += 1;
    req.resume();
    req.on('end', () => send?.(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = `http://127.0.0.1:${port}`;
  return {
    requests: () => requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SECRET_REPLY = reply(200, JSON.stringify({ Name: SECRET_ID, SecretString: SECRET_VALUE }));

beforeAll(async () => {
  allowOnlyLoopbackConnections();
  standIn = await startSecretsManagerServer({
    credentials: TEST_AWS_SESSION_CREDENTIALS,
    region: REGION,
    secrets: { [BINARY_SECRET_ID]: { binary: Buffer.from([0, 1, 2, 255]) } },
    denied: [DENIED_SECRET_ID],
  });
});

beforeEach(() => {
  capture = captureLogs();
  clearApiKeyCache();
  setApiKeyProvider(undefined);
  setLambdaEnv();
  standIn.setSecret(SECRET_ID, SECRET_VALUE);
});

afterEach(() => {
  capture.restore();
  jest.restoreAllMocks();
  assertNotLogged(capture, SECRET_VALUE);
  assertNotLogged(capture, TEST_API_KEY);
});

afterAll(async () => {
  await standIn.close();
  allowAllConnections();
  clearApiKeyCache();
  setEnv(Object.fromEntries(savedEnv));
});

describe('getApiKey from Secrets Manager', () => {
  it('reads a plain string secret', async () => {
    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('reads a JSON apiKey secret', async () => {
    standIn.setSecret(SECRET_ID, JSON.stringify({ apiKey: SECRET_VALUE }));

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('reads a secret by its ARN', async () => {
    process.env.API_KEY_SECRET_ID = standIn.secretArn(SECRET_ID);

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('caches the key between calls', async () => {
    const before = standIn.requestCount();

    await getApiKey();
    await getApiKey();

    expect(standIn.requestCount() - before).toBe(1);
  });

  it('skips the cache on forceRefresh', async () => {
    const before = standIn.requestCount();
    standIn.setSecret(SECRET_ID, 'sk-ant-old-key');
    await getApiKey();
    standIn.setSecret(SECRET_ID, SECRET_VALUE);

    await expect(getApiKey({ forceRefresh: true })).resolves.toBe(SECRET_VALUE);
    expect(standIn.requestCount() - before).toBe(2);
  });

  it('honours API_KEY_CACHE_SECONDS 0', async () => {
    process.env.API_KEY_CACHE_SECONDS = '0';
    const before = standIn.requestCount();

    await getApiKey();
    await getApiKey();

    expect(standIn.requestCount() - before).toBe(2);
  });

  it('reads again once API_KEY_CACHE_SECONDS have passed', async () => {
    process.env.API_KEY_CACHE_SECONDS = '1';
    standIn.setSecret(SECRET_ID, 'sk-ant-old-key');
    await getApiKey();
    standIn.setSecret(SECRET_ID, SECRET_VALUE);
    const realNow = Date.now.bind(Date);
    // The signer uses new Date(), which the spy leaves alone, and the stand-in allows 5 minutes
    // of clock skew, so the request stays valid.
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 1_500);

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it.each(['five', '-1', '1.5'])('rejects API_KEY_CACHE_SECONDS "%s"', async (value) => {
    process.env.API_KEY_CACHE_SECONDS = value;
    const before = standIn.requestCount();

    await expect(getApiKey()).rejects.toThrow(ConfigurationError);
    expect(standIn.requestCount()).toBe(before);
  });

  it.each([
    { name: 'empty secret', value: '', problem: 'is empty' },
    { name: 'blank secret', value: '  \n', problem: 'is empty' },
    {
      name: 'JSON without apiKey',
      value: JSON.stringify({ key: SECRET_VALUE }),
      problem: 'is JSON without a non-empty string field apiKey',
    },
    {
      name: 'malformed JSON',
      value: `{"apiKey": "${SECRET_VALUE}"`,
      problem: 'starts with { but is not valid JSON',
    },
  ])('rejects $name', async ({ value, problem }) => {
    standIn.setSecret(SECRET_ID, value);

    const error = await catchApiKeyError();

    expect(error.name).toBe('ApiKeyUnavailable');
    expect(error.message).toContain(`Secrets Manager secret "${SECRET_ID}" ${problem}`);
    expect(error.message).not.toContain(SECRET_VALUE);
  });

  it('rejects a binary secret', async () => {
    process.env.API_KEY_SECRET_ID = BINARY_SECRET_ID;

    const error = await catchApiKeyError();

    expect(error.message).toContain(
      `Secrets Manager secret "${BINARY_SECRET_ID}" is binary; store the key as its secret string`,
    );
  });

  it('rejects a key with a line break', async () => {
    standIn.setSecret(SECRET_ID, `${SECRET_VALUE}\nsecond`);

    const error = await catchApiKeyError();

    expect(error.message).toContain('contains spaces, line breaks or non-ASCII characters');
    expect(error.message).not.toContain(SECRET_VALUE);
  });

  it('names a missing secret', async () => {
    process.env.API_KEY_SECRET_ID = 'claude-batch-teardown/no-such-secret';

    const error = await catchApiKeyError();

    expect(error.message).toContain(
      '"claude-batch-teardown/no-such-secret" does not exist (ResourceNotFoundException)',
    );
  });

  it('names a denied secret', async () => {
    process.env.API_KEY_SECRET_ID = DENIED_SECRET_ID;

    const error = await catchApiKeyError();

    expect(error.message).toContain(
      `"${DENIED_SECRET_ID}" could not be read because access was denied`,
    );
    expect(error.message).toContain('secretsmanager:GetSecretValue');
  });

  it('requires API_KEY_SECRET_ID', async () => {
    delete process.env.API_KEY_SECRET_ID;
    const before = standIn.requestCount();

    const error = await catchApiKeyError();

    expect(error.message).toMatch(/^API_KEY_SECRET_ID is not set/);
    expect(standIn.requestCount()).toBe(before);
  });
});

describe('GetSecretValue request', () => {
  it('signs with the session credentials', async () => {
    const { accessKeyId, sessionToken } = TEST_AWS_SESSION_CREDENTIALS;

    await getApiKey();

    const headers = standIn.lastRequestHeaders();
    const amzDate = headers?.['x-amz-date'] ?? '';
    expect(amzDate).toMatch(/^\d{8}T\d{6}Z$/);
    expect(headers?.['x-amz-security-token']).toBe(sessionToken);
    expect(headers?.authorization).toMatch(
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/secretsmanager/aws4_request, `,
      ),
    );
    expect(headers?.['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  });

  it('falls back to AWS_DEFAULT_REGION', async () => {
    setEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: REGION });

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('falls back to AWS_ENDPOINT_URL', async () => {
    setEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: undefined, AWS_ENDPOINT_URL: standIn.endpoint });

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('treats an empty AWS_ENDPOINT_URL_SECRETS_MANAGER as unset', async () => {
    setEnv({ AWS_ENDPOINT_URL_SECRETS_MANAGER: '', AWS_ENDPOINT_URL: standIn.endpoint });

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('returns SecretBinary as bytes', async () => {
    const value = await getSecretValue(BINARY_SECRET_ID, 5_000);

    expect(value).toEqual(new Uint8Array([0, 1, 2, 255]));
  });

  it.each([
    {
      name: 'us-east-1',
      env: { AWS_REGION: REGION },
      url: 'https://secretsmanager.us-east-1.amazonaws.com/',
    },
    {
      name: 'a China region',
      env: { AWS_REGION: 'cn-north-1' },
      url: 'https://secretsmanager.cn-north-1.amazonaws.com.cn/',
    },
    {
      name: 'AWS_USE_FIPS_ENDPOINT',
      env: { AWS_REGION: REGION, AWS_USE_FIPS_ENDPOINT: 'true' },
      url: 'https://secretsmanager-fips.us-east-1.amazonaws.com/',
    },
    {
      name: 'an https override',
      env: { AWS_REGION: REGION, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://vpce.example.com' },
      url: 'https://vpce.example.com/',
    },
  ])('endpoint for $name', ({ env, url }) => {
    expect(secretsManagerEndpoint(env.AWS_REGION, env).href).toBe(url);
  });
});

describe('Secrets Manager read failures', () => {
  const configurationAdvice =
    "Lambda sets AWS_REGION and the credentials itself, so check the function's configuration";

  it.each([
    {
      name: 'no AWS_REGION',
      env: { AWS_REGION: undefined },
      reason: 'MissingRegion: AWS_REGION is not set',
    },
    {
      name: 'no AWS_ACCESS_KEY_ID',
      env: { AWS_ACCESS_KEY_ID: undefined },
      reason: 'MissingCredentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    },
    {
      name: 'no AWS_SECRET_ACCESS_KEY',
      env: { AWS_SECRET_ACCESS_KEY: undefined },
      reason: 'MissingCredentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    },
    {
      name: 'an empty AWS_SECRET_ACCESS_KEY',
      env: { AWS_SECRET_ACCESS_KEY: '' },
      reason: 'MissingCredentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
    },
    {
      name: 'an endpoint that is not a URL',
      env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: 'secretsmanager local' },
      reason: 'InvalidEndpoint: the endpoint "secretsmanager local" is not a URL',
    },
  ])('names the configuration for $name', async ({ env, reason }) => {
    setEnv(env);

    const error = await expectFailureWithoutConnecting();

    expect(error.message).toContain(
      `Secrets Manager secret "${SECRET_ID}" could not be read (${reason}); ${configurationAdvice}`,
    );
  });

  it('rejects a non-loopback http endpoint', async () => {
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = 'http://192.0.2.10:4566';

    const error = await expectFailureWithoutConnecting();

    expect(error.message).toContain(
      '(InvalidEndpoint: the endpoint "http://192.0.2.10:4566" must use https unless its host is loopback)',
    );
    expect(error.message).toContain(configurationAdvice);
  });

  it('names ECONNREFUSED for a closed port', async () => {
    const url = await closedPortUrl();
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = url;

    const error = await catchApiKeyError();

    expect(error.message).toContain(
      `could not be read (ECONNREFUSED: the connection to ${new URL(url).host} failed)`,
    );
  });

  it('names a timeout', async () => {
    process.env.HTTP_TIMEOUT_MS = '200';

    const error = await catchApiKeyErrorWithReply(() => undefined);

    expect(error.message).toMatch(
      /could not be read \(TimeoutError: 127\.0\.0\.1:\d+ did not answer within 200 ms\)/,
    );
  });

  const otherCredentials: AwsCredentials = {
    ...TEST_AWS_SESSION_CREDENTIALS,
    accessKeyId: 'AKIDOTHERSTANDIN0002',
  };
  const otherSecretAccessKey: AwsCredentials = {
    ...TEST_AWS_SESSION_CREDENTIALS,
    secretAccessKey: 'otherStandInSecretAccessKeyNotForAws0002',
  };

  it.each([
    {
      name: 'another access key',
      credentials: otherCredentials,
      region: REGION,
      errorType: 'UnrecognizedClientException',
    },
    {
      name: 'another secret access key',
      credentials: otherSecretAccessKey,
      region: REGION,
      errorType: 'InvalidSignatureException',
    },
    {
      name: 'another region',
      credentials: TEST_AWS_SESSION_CREDENTIALS,
      region: 'eu-west-1',
      errorType: 'InvalidSignatureException',
    },
  ])('names rejected credentials: $name', async ({ credentials, region, errorType }) => {
    const otherStandIn = await startSecretsManagerServer({
      credentials,
      region,
      secrets: { [SECRET_ID]: SECRET_VALUE },
    });
    process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = otherStandIn.endpoint;

    const error = await catchApiKeyError().finally(() => otherStandIn.close());

    expect(otherStandIn.requestCount()).toBe(1);
    expect(error.message).toContain(
      `Secrets Manager secret "${SECRET_ID}" could not be read because Secrets Manager rejected the function's AWS credentials (${errorType})`,
    );
  });

  it.each([
    'IncompleteSignatureException',
    'MissingAuthenticationTokenException',
    'ExpiredTokenException',
  ])('names rejected credentials: %s', async (errorType) => {
    const error = await catchApiKeyErrorWithReply(awsError(errorType));

    expect(error.message).toContain(
      `rejected the function's AWS credentials (${errorType}); check the clock and the credentials in the environment`,
    );
  });

  it.each([
    {
      name: '__type with a namespace',
      send: reply(400, '{"__type":"com.amazon.coral.service#ThrottlingException"}'),
      reason: 'ThrottlingException: GetSecretValue returned HTTP 400',
    },
    {
      name: 'x-amzn-errortype only',
      send: reply(500, 'Internal error', {
        'x-amzn-errortype': 'InternalServiceError:http://internal.amazon.com/coral/',
      }),
      reason: 'InternalServiceError: GetSecretValue returned HTTP 500',
    },
    {
      name: 'no error type',
      send: reply(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }),
      reason: 'UnknownError: GetSecretValue returned HTTP 502',
    },
    {
      name: 'HTTP 200 without a secret value',
      send: reply(200, '{"Name":"claude-batch-teardown/api-key"}'),
      reason: 'UnexpectedResponse: GetSecretValue returned no secret value',
    },
  ])('names the error type: $name', async ({ send, reason }) => {
    const error = await catchApiKeyErrorWithReply(send);

    expect(error.message).toContain(
      `Secrets Manager secret "${SECRET_ID}" could not be read (${reason}); check that it exists and that this function may read it`,
    );
  });
});

describe('Secrets Manager transient failures', () => {
  it.each([
    { name: 'a throttling error', first: awsError('ThrottlingException') },
    { name: 'a 500', first: reply(500, '{"__type":"InternalServiceError"}') },
    { name: 'a reset connection', first: (res: ServerResponse) => res.socket?.destroy() },
  ])('reads the key after $name', async ({ first }) => {
    const server = await useReplySequence([first, SECRET_REPLY]);

    const apiKey = await getApiKey().finally(() => server.close());

    expect(apiKey).toBe(SECRET_VALUE);
    expect(server.requests()).toBe(2);
  });

  it('reads the key after an HTTP 429 without an error name', async () => {
    const server = await useReplySequence([reply(429, ''), SECRET_REPLY]);

    const apiKey = await getApiKey().finally(() => server.close());

    expect(apiKey).toBe(SECRET_VALUE);
    expect(server.requests()).toBe(2);
  });

  it('keeps every attempt within one HTTP_TIMEOUT_MS', async () => {
    process.env.HTTP_TIMEOUT_MS = '1000';
    const slow503: Reply = (res) => setTimeout(() => reply(503, '')(res), 450);
    const server = await useReplySequence([slow503]);
    const startedMs = Date.now();

    const error = await catchApiKeyError().finally(() => server.close());

    expect(Date.now() - startedMs).toBeLessThan(1_300);
    expect(server.requests()).toBeLessThanOrEqual(2);
    expect(error.message).toContain('could not be read');
  });

  it('gives up after 3 attempts', async () => {
    const server = await useReplySequence([awsError('ThrottlingException')]);

    const error = await catchApiKeyError().finally(() => server.close());

    expect(server.requests()).toBe(3);
    expect(error.message).toContain('could not be read (ThrottlingException');
  });

  it('does not try a denied read again', async () => {
    const server = await useReplySequence([awsError('AccessDeniedException'), SECRET_REPLY]);

    const error = await catchApiKeyError().finally(() => server.close());

    expect(server.requests()).toBe(1);
    expect(error.message).toContain('AccessDeniedException');
  });

  it('shortens a very long error name', async () => {
    const server = await useReplySequence([awsError(`Odd${'x'.repeat(5_000)}`)]);

    const error = await catchApiKeyError().finally(() => server.close());

    expect(error.message.length).toBeLessThan(1_000);
    expect(error.message).toContain('Oddxxx');
  });
});

describe('key cache', () => {
  it('does not keep a key that failed its check', async () => {
    standIn.setSecret(SECRET_ID, '   ');
    await catchApiKeyError();
    standIn.setSecret(SECRET_ID, SECRET_VALUE);
    const before = standIn.requestCount();

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
    expect(standIn.requestCount()).toBe(before + 1);
  });
});

describe('withApiKeyRetry with Secrets Manager', () => {
  it('retries once with a rotated key', async () => {
    standIn.setSecret(SECRET_ID, 'sk-ant-old-key');
    const before = standIn.requestCount();
    // The key is rotated after the old one was read and cached, so only a re-read finds it.
    const call = jest.fn((apiKey: string) => {
      if (apiKey === SECRET_VALUE) return Promise.resolve('done');
      standIn.setSecret(SECRET_ID, SECRET_VALUE);
      return Promise.reject(unauthorized());
    });

    await expect(withApiKeyRetry(call)).resolves.toBe('done');
    expect(call).toHaveBeenCalledTimes(2);
    expect(standIn.requestCount() - before).toBe(2);
  });

  it('names the secret after a second 401', async () => {
    const call = jest.fn(() => Promise.reject(unauthorized()));

    const error = await withApiKeyRetry(call).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).message).toContain(
      `The key from Secrets Manager secret "${SECRET_ID}" was rejected again`,
    );
    expect((error as AuthenticationError).message).not.toContain(SECRET_VALUE);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('does not retry other errors', async () => {
    const before = standIn.requestCount();
    const call = jest.fn(() => Promise.reject(new ConfigurationError('bad setting')));

    await expect(withApiKeyRetry(call)).rejects.toThrow('bad setting');
    expect(call).toHaveBeenCalledTimes(1);
    expect(standIn.requestCount() - before).toBe(1);
  });
});

describe('handler with Secrets Manager key', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(() => emulator.close());

  it('cancels with the key from the secret', async () => {
    standIn.setSecret(SECRET_ID, JSON.stringify({ apiKey: TEST_API_KEY }));
    process.env.API_KEY_SECRET_ID = standIn.secretArn(SECRET_ID);
    const { id } = emulator.createBatchDirectly({ requests: TEST_REQUESTS });

    const summary = await cancelHandler({ batchId: id, anthropicVersion: '2023-06-01' });

    expect(summary.processing_status).toBe('canceling');
    expect(capture.text()).not.toContain(TEST_API_KEY);
  });

  it('fails with ApiKeyUnavailable naming the secret', async () => {
    process.env.API_KEY_SECRET_ID = DENIED_SECRET_ID;

    const { error, details } = await invokeExpectingError(cancelHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: '2023-06-01',
    });

    expect(error.name).toBe('ApiKeyUnavailable');
    expect(details.message).toContain(`Secrets Manager secret "${DENIED_SECRET_ID}"`);
    expect(details.message).toContain('access was denied (AccessDeniedException)');
  });
});
