import http from 'node:http';
import type { Emulator } from '../../emulator';
import { handler as cancelHandler } from '../../lambdas/cancel-message-batch';
import { handler as createHandler } from '../../lambdas/create-message-batch';
import { handler as deleteHandler } from '../../lambdas/delete-message-batch';
import { handler as retrieveHandler } from '../../lambdas/retrieve-message-batch';
import { setApiKeyProvider } from '../../lambdas/shared/api-key';
import { ApiKeyUnavailableError } from '../../lambdas/shared/errors';
import {
  invokeExpectingError,
  retrieveWithFault,
  TEST_API_KEY,
  TEST_CREATE_EVENT,
  TEST_REQUESTS,
  useHandlerTestEnv,
} from './lambda-test-env';

const VERSION = '2023-06-01';

const env = useHandlerTestEnv();

function newBatchId(emulator: Emulator): string {
  return emulator.createBatchDirectly({ requests: TEST_REQUESTS }).id;
}

describe('handler failure logging', () => {
  it('logs a retryable failure once at warn', async () => {
    const { batchId, details } = await retrieveWithFault(env.emulator, { status: 529 });

    const failures = env.capture.entries().filter((entry) => entry.level !== 'INFO');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      level: 'WARN',
      operation: 'retrieveMessageBatch',
      batchId,
      status: 529,
      requestId: details.requestId,
    });
  });

  it('logs a final failure once at error', async () => {
    const { batchId } = await retrieveWithFault(env.emulator, { status: 404 });

    const failures = env.capture.entries().filter((entry) => entry.level !== 'INFO');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'ERROR', batchId, status: 404 });
  });
});

describe('handler API key retry', () => {
  it('re-reads the key once after a 401', async () => {
    const keyProvider = jest.fn(() => Promise.resolve(TEST_API_KEY));
    setApiKeyProvider(keyProvider);
    const batchId = newBatchId(env.emulator);
    env.emulator.addFault({ route: 'retrieveMessageBatch', batchId, status: 401, times: 1 });

    const result = await retrieveHandler({ batchId, anthropicVersion: VERSION, pollCount: 3 });

    expect(result.batch.id).toBe(batchId);
    expect(keyProvider.mock.calls).toEqual([[{ forceRefresh: false }], [{ forceRefresh: true }]]);
  });

  it('uses a rotated key after a 401', async () => {
    setApiKeyProvider(({ forceRefresh }) =>
      Promise.resolve(forceRefresh ? TEST_API_KEY : 'sk-ant-rotated-out-key'),
    );

    const result = await createHandler(TEST_CREATE_EVENT);

    const creates = env.emulator.requests().filter((entry) => entry.route === 'createMessageBatch');
    expect(result.batch.processing_status).toBe('in_progress');
    expect(creates.slice(-2).map((entry) => entry.status)).toEqual([401, 200]);
  });

  it('names the key source after two 401s', async () => {
    const { error, details } = await retrieveWithFault(env.emulator, { status: 401 });

    expect(error.name).toBe('AuthenticationFailed');
    expect(details.message).toContain(
      'The key from the key provider set with setApiKeyProvider was rejected again',
    );
  });

  it('maps a failing key provider to ApiKeyUnavailable', async () => {
    setApiKeyProvider(() => Promise.reject(new Error('vault offline')));

    const { error, details } = await invokeExpectingError(cancelHandler, {
      batchId: newBatchId(env.emulator),
      anthropicVersion: VERSION,
    });

    expect(error.name).toBe('ApiKeyUnavailable');
    expect(error.cause).toBeInstanceOf(ApiKeyUnavailableError);
    expect(details.message).toContain('key provider set with setApiKeyProvider failed');
  });
});

describe('delete errors', () => {
  it('maps a 400 on an in_progress delete', async () => {
    const batchId = newBatchId(env.emulator);

    const { error, details } = await invokeExpectingError(deleteHandler, {
      batchId,
      anthropicVersion: VERSION,
    });

    expect(error.name).toBe('InvalidRequest');
    expect(details.batchId).toBe(batchId);
    expect(details.message).toContain('poll the batch until it has ended');
  });

  it('maps a delete body without id', async () => {
    const batchId = newBatchId(env.emulator);
    env.emulator.addFault({
      route: 'deleteMessageBatch',
      batchId,
      status: 200,
      rawBody: '{}',
      contentType: 'application/json',
    });

    const { error, details } = await invokeExpectingError(deleteHandler, {
      batchId,
      anthropicVersion: VERSION,
    });

    expect(error.name).toBe('UnexpectedResponse');
    expect(details.message).toContain('no id of the deleted batch');
  });
});

describe('Lambda boundary', () => {
  it('serializes details as the message', async () => {
    const { batchId, error } = await retrieveWithFault(env.emulator, {
      status: 429,
      retryAfterSeconds: 7,
    });

    expect(JSON.parse(error.message)).toEqual({
      message: expect.stringContaining('Rate limited (HTTP 429') as unknown,
      status: 429,
      errorType: 'rate_limit_error',
      requestId: expect.stringMatching(/^req_/) as unknown,
      batchId,
      retryAfterSeconds: 7,
    });
  });

  it('hides an unexpected error', async () => {
    const requestSpy = jest.spyOn(http, 'request').mockImplementation(() => {
      throw new RangeError('internal detail');
    });

    const { error, details } = await invokeExpectingError(cancelHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: VERSION,
    });
    requestSpy.mockRestore();

    expect(error.name).toBe('UnexpectedError');
    expect(details.message).toMatch(/^Unexpected internal error in the cancelMessageBatch handler/);
    expect(error.message).not.toContain('internal detail');
    expect(env.capture.text()).toContain('internal detail');
  });

  it('rejects a clear-text remote base URL', async () => {
    process.env.ANTHROPIC_BASE_URL = 'http://api.example.com';

    const { error, details } = await invokeExpectingError(cancelHandler, {
      batchId: 'msgbatch_1',
      anthropicVersion: VERSION,
    });

    expect(error.name).toBe('InvalidConfiguration');
    expect(details.message).toContain('"http://api.example.com"');
  });
});
