/**
 * Shared set-up of the handler tests: an emulator on 127.0.0.1 as the API, the key provider,
 * a guard that refuses connections to any host but loopback, and capture of the log lines.
 */
import { createServer, type AddressInfo } from 'node:net';
import { startEmulator, DEFAULT_EMULATOR_API_KEY, type Emulator } from '../../emulator';
import type { EmulatorOptions, FaultRule } from '../../emulator';
import { handler as retrieveHandler } from '../../lambdas/retrieve-message-batch';
import { setApiKeyProvider } from '../../lambdas/shared/api-key';
import type { ErrorDetails } from '../../lambdas/shared/errors';
import type { BatchHandler } from '../../lambdas/shared/handler';
import { installLoopbackGuard } from '../loopback-guard';

/** Key that the test emulator accepts. */
export const TEST_API_KEY = DEFAULT_EMULATOR_API_KEY;

/** Items of a small valid batch. */
export const TEST_REQUESTS = [
  {
    custom_id: 'first',
    params: {
      model: 'claude-sonnet-4-5',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'PROMPT-TEXT-MARKER' }],
    },
  },
];

/** Event of the create handler for TEST_REQUESTS, as the state machine passes it. */
export const TEST_CREATE_EVENT = { executionInput: { requests: TEST_REQUESTS } };

let removeLoopbackGuard: (() => void) | undefined;

/**
 * Makes every connection to a host other than loopback throw, so that no test can reach a real
 * API even when a base URL is left at its default.
 */
export function allowOnlyLoopbackConnections(): void {
  removeLoopbackGuard ??= installLoopbackGuard();
}

/** Removes the guard that allowOnlyLoopbackConnections installed. */
export function allowAllConnections(): void {
  removeLoopbackGuard?.();
  removeLoopbackGuard = undefined;
}

/** Starts an emulator and points the handlers at it with the test key. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ apiKeys: [TEST_API_KEY], ...options });
  process.env.ANTHROPIC_BASE_URL = emulator.url;
  setApiKeyProvider(() => Promise.resolve(TEST_API_KEY));
  return emulator;
}

/**
 * Returns the URL of a loopback port that was free a moment ago, so that a connection to it is
 * refused before any byte of a request is sent.
 */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Log lines that the handlers wrote to stdout and stderr while capturing. */
export interface LogCapture {
  text(): string;
  /** Each JSON log line, parsed. */
  entries(): Array<Record<string, unknown>>;
  restore(): void;
}

/**
 * Captures what the handlers' logger writes, without passing it through. It writes info lines
 * to stdout and warn and error lines to stderr.
 */
export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  const text = (): string => chunks.join('');
  return {
    text,
    entries: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/**
 * Throws when any captured log line contains `secret`. It is called from afterEach hooks, where
 * jest allows no expect.
 */
export function assertNotLogged(capture: LogCapture, secret: string): void {
  if (capture.text().includes(secret)) {
    throw new Error('A captured log line contains the API key');
  }
}

/** An error as it leaves the Lambda boundary, with its JSON message parsed. */
export interface BoundaryError {
  error: Error;
  details: ErrorDetails;
}

/** Calls a handler that must fail and returns the thrown error with its parsed details. */
export async function invokeExpectingError(
  handler: BatchHandler<unknown>,
  event: unknown,
): Promise<BoundaryError> {
  try {
    await handler(event);
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error, details: JSON.parse(error.message) as ErrorDetails };
  }
  throw new Error('The handler returned instead of throwing');
}

/** The emulator and log capture of one test file, set by the hooks of useHandlerTestEnv. */
export interface HandlerTestEnv {
  emulator: Emulator;
  capture: LogCapture;
}

/**
 * Registers jest hooks that start an emulator and capture the logs of each test. With `scope`
 * 'file' one emulator serves the whole file, and with 'test' each test gets a new one, so that
 * its ledger and list contain only that test's batches. After each test the hooks clear faults,
 * restore the key provider, ANTHROPIC_BASE_URL and HTTP_TIMEOUT_MS, and fail the test if a log
 * line contains the key.
 */
export function useHandlerTestEnv(
  options: EmulatorOptions = {},
  scope: 'file' | 'test' = 'file',
): HandlerTestEnv {
  const env = {} as HandlerTestEnv;
  const startEmulatorHook = async (): Promise<void> => {
    env.emulator = await startTestEmulator(options);
  };
  beforeAll(() => {
    allowOnlyLoopbackConnections();
  });
  if (scope === 'file') {
    beforeAll(startEmulatorHook);
    afterAll(() => env.emulator.close());
  } else {
    beforeEach(startEmulatorHook);
  }
  beforeEach(() => {
    env.capture = captureLogs();
  });
  afterEach(async () => {
    env.capture.restore();
    env.emulator.clearFaults();
    setApiKeyProvider(() => Promise.resolve(TEST_API_KEY));
    process.env.ANTHROPIC_BASE_URL = env.emulator.url;
    delete process.env.HTTP_TIMEOUT_MS;
    if (scope === 'test') await env.emulator.close();
    assertNotLogged(env.capture, TEST_API_KEY);
  });
  afterAll(() => {
    setApiKeyProvider(undefined);
    allowAllConnections();
  });
  return env;
}

/** Adds a retrieve fault for a new batch, then calls the retrieve handler, which must fail. */
export async function retrieveWithFault(
  emulator: Emulator,
  fault: Omit<FaultRule, 'route' | 'batchId'>,
): Promise<BoundaryError & { batchId: string }> {
  const batchId = emulator.createBatchDirectly({ requests: TEST_REQUESTS }).id;
  emulator.addFault({ route: 'retrieveMessageBatch', batchId, ...fault });
  const failure = await invokeExpectingError(retrieveHandler, {
    batchId,
    anthropicVersion: '2023-06-01',
    pollCount: 0,
  });
  return { batchId, ...failure };
}
