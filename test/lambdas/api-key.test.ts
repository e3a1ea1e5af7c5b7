import { clearCaches } from '@aws-lambda-powertools/parameters';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Emulator } from '../../emulator';
import { handler as cancelHandler } from '../../lambdas/cancel-message-batch';
import { getApiKey, setApiKeyProvider, withApiKeyRetry } from '../../lambdas/shared/api-key';
import {
  ApiKeyUnavailableError,
  AuthenticationError,
  ConfigurationError,
} from '../../lambdas/shared/errors';
import {
  allowOnlyLoopbackFetch,
  assertNotLogged,
  captureLogs,
  invokeExpectingError,
  restoreFetch,
  startTestEmulator,
  TEST_API_KEY,
  TEST_REQUESTS,
  type LogCapture,
} from './lambda-test-env';

const SECRET_ID = 'claude-batch-teardown/api-key';
const SECRET_VALUE = 'sk-ant-test-secret-value-123';
const secretsManager = mockClient(SecretsManagerClient);

function accessDenied(): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: {},
    message: 'User is not authorized to perform secretsmanager:GetSecretValue',
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

function unauthorized(): AuthenticationError {
  return new AuthenticationError({ message: 'Authentication failed (HTTP 401).', status: 401 });
}

let capture: LogCapture;

beforeEach(() => {
  capture = captureLogs();
  secretsManager.reset();
  clearCaches();
  setApiKeyProvider(undefined);
  process.env.AWS_REGION = 'us-east-1';
  process.env.API_KEY_SECRET_ID = SECRET_ID;
  delete process.env.API_KEY_CACHE_SECONDS;
});

afterEach(() => {
  capture.restore();
  assertNotLogged(capture, SECRET_VALUE);
});

afterAll(() => {
  delete process.env.API_KEY_SECRET_ID;
  secretsManager.restore();
});

describe('getApiKey from Secrets Manager', () => {
  it('reads a plain string secret', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID })
      .resolves({ SecretString: SECRET_VALUE });

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('reads a JSON apiKey secret', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ apiKey: SECRET_VALUE }) });

    await expect(getApiKey()).resolves.toBe(SECRET_VALUE);
  });

  it('caches the key between calls', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_VALUE });

    await getApiKey();
    await getApiKey();

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('skips the cache on forceRefresh', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'sk-ant-old-key' })
      .resolvesOnce({ SecretString: SECRET_VALUE });

    await getApiKey();

    await expect(getApiKey({ forceRefresh: true })).resolves.toBe(SECRET_VALUE);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('honours API_KEY_CACHE_SECONDS 0', async () => {
    process.env.API_KEY_CACHE_SECONDS = '0';
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_VALUE });

    await getApiKey();
    await getApiKey();

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('rejects an invalid API_KEY_CACHE_SECONDS', async () => {
    process.env.API_KEY_CACHE_SECONDS = 'five';

    await expect(getApiKey()).rejects.toThrow(ConfigurationError);
  });

  it.each([
    { name: 'empty secret', reply: { SecretString: '' }, problem: 'is empty' },
    { name: 'blank secret', reply: { SecretString: '  \n' }, problem: 'is empty' },
    {
      name: 'binary secret',
      reply: { SecretBinary: new Uint8Array([1, 2]) },
      problem: 'is binary',
    },
    {
      name: 'JSON without apiKey',
      reply: { SecretString: JSON.stringify({ key: SECRET_VALUE }) },
      problem: 'is JSON without a non-empty string field apiKey',
    },
    {
      name: 'malformed JSON',
      reply: { SecretString: `{"apiKey": "${SECRET_VALUE}"` },
      problem: 'starts with { but is not valid JSON',
    },
  ])('rejects $name', async ({ reply, problem }) => {
    secretsManager.on(GetSecretValueCommand).resolves(reply);

    const error = await catchApiKeyError();

    expect(error.name).toBe('ApiKeyUnavailable');
    expect(error.message).toContain(`Secrets Manager secret "${SECRET_ID}" ${problem}`);
    expect(error.message).not.toContain(SECRET_VALUE);
  });

  it('rejects a key with a line break', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: `${SECRET_VALUE}\nsecond` });

    const error = await catchApiKeyError();

    expect(error.message).toContain('contains spaces, line breaks or non-ASCII characters');
    expect(error.message).not.toContain(SECRET_VALUE);
  });

  it('names a missing secret', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        $metadata: {},
        message: 'Secrets Manager can’t find the specified secret.',
      }),
    );

    const error = await catchApiKeyError();

    expect(error.message).toContain(`"${SECRET_ID}" does not exist (ResourceNotFoundException)`);
  });

  it('names a denied secret', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(accessDenied());

    const error = await catchApiKeyError();

    expect(error.message).toContain(`"${SECRET_ID}" could not be read because access was denied`);
    expect(error.message).toContain('secretsmanager:GetSecretValue');
  });

  it('requires API_KEY_SECRET_ID', async () => {
    delete process.env.API_KEY_SECRET_ID;

    const error = await catchApiKeyError();

    expect(error.message).toMatch(/^API_KEY_SECRET_ID is not set/);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('withApiKeyRetry with Secrets Manager', () => {
  it('retries once with a rotated key', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'sk-ant-old-key' })
      .resolvesOnce({ SecretString: SECRET_VALUE });
    const call = jest.fn((apiKey: string) =>
      apiKey === SECRET_VALUE ? Promise.resolve('done') : Promise.reject(unauthorized()),
    );

    await expect(withApiKeyRetry(call)).resolves.toBe('done');
    expect(call).toHaveBeenCalledTimes(2);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the secret after a second 401', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_VALUE });
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
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET_VALUE });
    const call = jest.fn(() => Promise.reject(new ConfigurationError('bad setting')));

    await expect(withApiKeyRetry(call)).rejects.toThrow('bad setting');
    expect(call).toHaveBeenCalledTimes(1);
  });
});

describe('handler with Secrets Manager key', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    allowOnlyLoopbackFetch();
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    await emulator.close();
    restoreFetch();
  });

  it('cancels with the key from the secret', async () => {
    setApiKeyProvider(undefined);
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify({ apiKey: TEST_API_KEY }) });
    const { id } = emulator.createBatchDirectly({ requests: TEST_REQUESTS });

    const summary = await cancelHandler({ batchId: id, anthropicVersion: '2023-06-01' });

    expect(summary.processing_status).toBe('canceling');
    expect(capture.text()).not.toContain(TEST_API_KEY);
  });

  it('fails with ApiKeyUnavailable naming the secret', async () => {
    setApiKeyProvider(undefined);
    secretsManager.on(GetSecretValueCommand).rejects(accessDenied());

    const { error, details } = await invokeExpectingError(cancelHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: '2023-06-01',
    });

    expect(error.name).toBe('ApiKeyUnavailable');
    expect(details.message).toContain(`Secrets Manager secret "${SECRET_ID}"`);
  });
});
