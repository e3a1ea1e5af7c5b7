import {
  DEFAULT_EMULATOR_API_KEY,
  ManualClock,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type MessageBatchJson,
} from '../../emulator';

/** Fixed start time of every ManualClock in these tests: 2026-12-01T12:00:00Z. */
export const START_MS = Date.UTC(2026, 11, 1, 12, 0, 0);

export const API_HEADERS: Readonly<Record<string, string>> = {
  'x-api-key': DEFAULT_EMULATOR_API_KEY,
  'anthropic-version': '2023-06-01',
};

/** Response of callApi with its body read: parsed JSON when the content-type is JSON, else undefined. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export interface CallOptions {
  /** JSON-encoded unless it is already a string. */
  body?: unknown;
  /** Replaces API_HEADERS when given. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends one request to the emulator over real HTTP. */
export async function callApi(
  emulator: Emulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers = { ...(options.headers ?? API_HEADERS) };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers,
    body,
    signal: options.signal,
  });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.startsWith('application/json') === true;
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: isJson ? JSON.parse(text) : undefined,
  };
}

/** Builds request items with small, valid params. */
export function batchRequests(
  customIds: readonly string[],
): { custom_id: string; params: object }[] {
  return customIds.map((customId) => ({
    custom_id: customId,
    params: {
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      messages: [{ role: 'user', content: 'Hi' }],
    },
  }));
}

/** Creates a batch over HTTP and returns it; fails the test unless the status is 200. */
export async function createBatch(
  emulator: Emulator,
  customIds: readonly string[] = ['first', 'second'],
  headers?: Record<string, string>,
): Promise<MessageBatchJson> {
  const response = await callApi(emulator, 'POST', '/v1/messages/batches', {
    body: { requests: batchRequests(customIds) },
    headers,
  });
  if (response.status !== 200) {
    throw new Error(`create returned ${response.status}: ${response.text}`);
  }
  return response.body as MessageBatchJson;
}

/** Starts an emulator driven by a ManualClock at START_MS. */
export async function startTestEmulator(
  options: EmulatorOptions = {},
): Promise<{ emulator: Emulator; clock: ManualClock }> {
  const clock = new ManualClock(START_MS);
  const emulator = await startEmulator({ clock, ...options });
  return { emulator, clock };
}

export function batchPath(batchId: string, suffix = ''): string {
  return `/v1/messages/batches/${batchId}${suffix}`;
}

export function asBatch(response: ApiResponse): MessageBatchJson {
  return response.body as MessageBatchJson;
}

/** error.type of an error envelope, or undefined when the body is not one. */
export function errorTypeOf(response: ApiResponse): string | undefined {
  return (response.body as { error?: { type?: string } } | undefined)?.error?.type;
}

export function errorMessageOf(response: ApiResponse): string | undefined {
  return (response.body as { error?: { message?: string } } | undefined)?.error?.message;
}
