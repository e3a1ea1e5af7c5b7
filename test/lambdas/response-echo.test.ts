/**
 * Handlers against servers that echo the `x-api-key` value, or send oversized strings, in the
 * parts of a response that reach a failure's message and fields or a log line: `error.type`,
 * `error.message`, the `request-id` header, `request_id` and a batch `id`. The emulator's fault
 * rules send the bodies it can; a small node:http server on 127.0.0.1 sends the rest.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handler as cancelHandler } from '../../lambdas/cancel-message-batch';
import { handler as createHandler } from '../../lambdas/create-message-batch';
import { handler as deleteHandler } from '../../lambdas/delete-message-batch';
import { handler as retrieveHandler } from '../../lambdas/retrieve-message-batch';
import { MAX_FIELD_CHARS } from '../../lambdas/shared/response-fields';
import {
  type BoundaryError,
  invokeExpectingError,
  retrieveWithFault,
  TEST_API_KEY,
  TEST_CREATE_EVENT,
  useHandlerTestEnv,
} from './lambda-test-env';

const REDACTED = '[redacted API key]';
const BATCH_ID = 'msgbatch_echo_test_01';
const ANTHROPIC_VERSION = '2023-06-01';
const RETRIEVE_EVENT = { batchId: BATCH_ID, anthropicVersion: ANTHROPIC_VERSION, pollCount: 0 };

/** Step Functions keeps at most this many characters of a cause. */
const CAUSE_LIMIT_CHARS = 32_768;

/** Characters that JSON escapes, so each serialization of a message makes them longer. */
const ESCAPED_CHARS = '"\\\u0001';
/** A body string of about 300 KB. */
const HUGE_TEXT = ESCAPED_CHARS.repeat(100_000);
/**
 * A header value as long as fits, because Node.js rejects a response whose headers exceed
 * `http.maxHeaderSize` (16 KiB by default) with HPE_HEADER_OVERFLOW. Header values may not
 * contain control characters.
 */
const HUGE_HEADER = '"\\'.repeat(6_000);

/** A reply that the scripted server builds from the `x-api-key` header of the request. */
interface ScriptedReply {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

type Script = (apiKey: string, request: IncomingMessage) => ScriptedReply;

const env = useHandlerTestEnv();

let server: Server;
let serverUrl: string;
let script: Script = () => ({ status: 500, body: '' });

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const reply = script(String(request.headers['x-api-key'] ?? ''), request);
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        ...reply.headers,
      });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Points the handlers at the scripted server, which replies to every request with `next`. */
function serve(next: Script): void {
  script = next;
  process.env.ANTHROPIC_BASE_URL = serverUrl;
}

function errorBody(fields: { type?: string; message?: string; requestId?: string }): string {
  return JSON.stringify({
    type: 'error',
    error: { type: fields.type ?? 'api_error', message: fields.message ?? 'Internal error' },
    ...(fields.requestId === undefined ? {} : { request_id: fields.requestId }),
  });
}

function batchBody(id: string): string {
  return JSON.stringify({
    id,
    type: 'message_batch',
    processing_status: 'in_progress',
    request_counts: { processing: 1, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
    created_at: '2025-01-01T00:00:00Z',
    expires_at: '2025-01-02T00:00:00Z',
    ended_at: null,
    cancel_initiated_at: null,
    archived_at: null,
    results_url: null,
  });
}

/** Builds the Cause that Step Functions records, the JSON that the Lambda Node.js runtime sends. */
function lambdaCause(error: Error): string {
  return JSON.stringify({
    errorType: error.name,
    errorMessage: error.message,
    trace: (error.stack ?? '').split('\n'),
  });
}

/** Returns the captured API call log entries, one for each call that got a response. */
function apiCallLogEntries(): Array<Record<string, unknown>> {
  return env.capture
    .entries()
    .filter((entry) => entry.message === 'Message Batches API call finished');
}

function expectKeyAbsent(failure: BoundaryError): void {
  expect(failure.error.name).not.toContain(TEST_API_KEY);
  expect(failure.error.message).not.toContain(TEST_API_KEY);
  expect(failure.error.stack ?? '').not.toContain(TEST_API_KEY);
  expect(env.capture.text()).not.toContain(TEST_API_KEY);
}

describe('API key echoed by the emulator', () => {
  it('redacts the key from error.type', async () => {
    const failure = await retrieveWithFault(env.emulator, {
      status: 500,
      rawBody: errorBody({ type: TEST_API_KEY, message: 'x' }),
      contentType: 'application/json',
    });

    expectKeyAbsent(failure);
    expect(failure.error.name).toBe('ServerError');
    expect(failure.details.errorType).toBe(REDACTED);
    expect(failure.details.message).toContain(`API server error (HTTP 500, ${REDACTED}, request`);
    expect(failure.details.message).toContain(`while retrieving batch ${failure.batchId}`);
  });

  it('redacts the key from error.message', async () => {
    const failure = await retrieveWithFault(env.emulator, {
      status: 500,
      rawBody: errorBody({ message: `invalid x-api-key ${TEST_API_KEY}` }),
      contentType: 'application/json',
    });

    expectKeyAbsent(failure);
    expect(failure.details.message).toContain(`API message: "invalid x-api-key ${REDACTED}"`);
  });
});

describe('API key echoed by a scripted server', () => {
  it('redacts the key from the request-id header of an error', async () => {
    serve((apiKey) => ({ status: 500, headers: { 'request-id': apiKey }, body: errorBody({}) }));

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.details.requestId).toBe(REDACTED);
    expect(failure.details.message).toContain(`(HTTP 500, api_error, request ${REDACTED})`);
    expect(apiCallLogEntries()[0]?.requestId).toBe(REDACTED);
  });

  it('redacts the key from the request_id field of an error body', async () => {
    serve((apiKey) => ({ status: 500, body: errorBody({ requestId: apiKey }) }));

    const failure = await invokeExpectingError(cancelHandler, {
      batchId: BATCH_ID,
      anthropicVersion: ANTHROPIC_VERSION,
    });

    expectKeyAbsent(failure);
    expect(failure.details.requestId).toBe(REDACTED);
    expect(failure.details.message).toContain(`request ${REDACTED}) while canceling batch`);
  });

  it('redacts the request-id of a 401', async () => {
    serve((apiKey) => ({
      status: 401,
      headers: { 'request-id': apiKey },
      body: errorBody({ type: 'authentication_error', message: 'invalid x-api-key' }),
    }));

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.error.name).toBe('AuthenticationFailed');
    const rejected = env.capture
      .entries()
      .find((entry) => String(entry.message).startsWith('API key rejected with HTTP 401'));
    expect(rejected?.requestId).toBe(REDACTED);
  });

  it('rejects a 200 body whose id is the key, without quoting it', async () => {
    serve((apiKey) => ({ status: 200, body: batchBody(apiKey) }));

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.error.name).toBe('UnexpectedResponse');
    expect(failure.details.batchId).toBe(BATCH_ID);
    expect(failure.details.message).toContain('id is not 1 to 200 letters, digits, _ or -');
    expect(apiCallLogEntries()[0]?.batchId).toBe(BATCH_ID);
  });

  it('redacts nothing from a 200 body that describes another plain batch id', async () => {
    serve(() => ({ status: 200, body: batchBody('msgbatch_other01') }));

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expect(failure.error.name).toBe('UnexpectedResponse');
    expect(failure.details.message).toContain(
      'the body describes batch msgbatch_other01, not the requested one',
    );
  });

  it('redacts the key from the request-id of a success', async () => {
    serve((apiKey) => ({
      status: 200,
      headers: { 'request-id': apiKey },
      body: batchBody(BATCH_ID),
    }));

    const result = await retrieveHandler(RETRIEVE_EVENT);

    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
    expect(env.capture.text()).not.toContain(TEST_API_KEY);
    expect(apiCallLogEntries()[0]?.requestId).toBe(REDACTED);
  });

  it('treats a created batch whose id is the key as an unknown outcome', async () => {
    serve((apiKey, request) =>
      request.method === 'POST'
        ? { status: 200, body: batchBody(apiKey) }
        : { status: 200, body: JSON.stringify({ data: [], has_more: false }) },
    );

    const failure = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.error.name).toBe('SubmitOutcomeUnknown');
  });

  it('redacts the key from the id of a deleted batch', async () => {
    serve((apiKey) => ({
      status: 200,
      body: JSON.stringify({ id: apiKey, type: 'message_batch_deleted' }),
    }));

    const result = await deleteHandler({ batchId: BATCH_ID, anthropicVersion: ANTHROPIC_VERSION });

    expect(JSON.stringify(result)).not.toContain(TEST_API_KEY);
    expect(result.deletedId).toBe(REDACTED);
  });

  it('redacts the key before cutting a long error.type', async () => {
    const prefix = 'x'.repeat(MAX_FIELD_CHARS - 10);
    serve((apiKey) => ({ status: 500, body: errorBody({ type: `${prefix}${apiKey}` }) }));

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.details.errorType).toBe(`${prefix}${REDACTED.slice(0, 7)}...`);
    expect(failure.error.message).not.toContain(TEST_API_KEY.slice(0, 7));
  });

  it('redacts a key written with JSON escapes', async () => {
    serve((apiKey) => {
      const escaped = [...apiKey].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      const body = `{"type":"error","error":{"type":"${escaped.join('')}","message":"x"}}`;
      return { status: 500, body };
    });

    const failure = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expectKeyAbsent(failure);
    expect(failure.details.errorType).toBe(REDACTED);
  });
});

/** Responses with every response-derived string as large as the server can make it. */
const OVERSIZED_CASES: Array<{ case: string; reply: ScriptedReply; mentions: string }> = [
  {
    case: 'error.type, message and request-id header',
    reply: {
      status: 500,
      headers: { 'request-id': HUGE_HEADER },
      body: errorBody({ type: HUGE_TEXT, message: HUGE_TEXT, requestId: HUGE_TEXT }),
    },
    mentions: 'API server error (HTTP 500, ',
  },
  {
    case: 'error.type, message and request_id without header',
    reply: {
      status: 500,
      body: errorBody({ type: HUGE_TEXT, message: HUGE_TEXT, requestId: HUGE_TEXT }),
    },
    mentions: 'API message: ',
  },
  {
    case: 'non-JSON body and request-id header',
    reply: {
      status: 502,
      headers: { 'request-id': HUGE_HEADER, 'content-type': 'text/html' },
      body: HUGE_TEXT,
    },
    mentions: 'The response body was not JSON: ',
  },
  {
    case: 'error.type in a 2xx body',
    reply: {
      status: 200,
      headers: { 'request-id': HUGE_HEADER },
      body: errorBody({ type: HUGE_TEXT, message: HUGE_TEXT, requestId: HUGE_TEXT }),
    },
    mentions: 'the body is not a MessageBatch',
  },
  {
    case: 'batch id',
    reply: { status: 200, headers: { 'request-id': HUGE_HEADER }, body: batchBody(HUGE_TEXT) },
    mentions: 'id is not 1 to 200 letters, digits, _ or -',
  },
];

describe('oversized response fields', () => {
  it.each(OVERSIZED_CASES)('bounds the failure for a huge $case', async ({ reply, mentions }) => {
    serve(() => reply);

    const { error, details } = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);
    const cause = lambdaCause(error);

    expect(details.message).toContain(mentions);
    expect(details.message).toContain(`while retrieving batch ${BATCH_ID}`);
    expect(details.message.length).toBeLessThan(2_000);
    expect(details.errorType?.length ?? 0).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(details.requestId?.length ?? 0).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(cause.length).toBeLessThan(CAUSE_LIMIT_CHARS / 2);
    const parsedCause = JSON.parse(cause) as { errorMessage: string };
    expect(JSON.parse(parsedCause.errorMessage)).toMatchObject({ batchId: BATCH_ID });
  });

  it.each(OVERSIZED_CASES)('bounds the log lines for a huge $case', async ({ reply }) => {
    serve(() => reply);

    await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    for (const line of env.capture.text().split('\n')) {
      expect(line.length).toBeLessThan(CAUSE_LIMIT_CHARS / 2);
    }
  });

  it('marks each cut field with "..."', async () => {
    serve(() => OVERSIZED_CASES[0]?.reply as ScriptedReply);

    const { details } = await invokeExpectingError(retrieveHandler, RETRIEVE_EVENT);

    expect(details.errorType).toHaveLength(MAX_FIELD_CHARS);
    expect(details.errorType?.endsWith('...')).toBe(true);
    expect(details.requestId).toHaveLength(MAX_FIELD_CHARS);
    expect(details.requestId?.endsWith('...')).toBe(true);
  });
});

describe('oversized list page after an ambiguous create', () => {
  it('keeps the SubmitOutcomeUnknown cause under the limit', async () => {
    const hugeId = `msgbatch_${'x'.repeat(20_000)}`;
    serve((_apiKey, request) => {
      if (request.method === 'POST') return { status: 500, body: errorBody({}) };
      const batch = JSON.parse(batchBody(hugeId)) as Record<string, unknown>;
      const data = Array.from({ length: 20 }, () => ({
        ...batch,
        created_at: new Date().toISOString(),
      }));
      return { status: 200, body: JSON.stringify({ data, has_more: false, last_id: hugeId }) };
    });

    const failure = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(failure.error.name).toBe('SubmitOutcomeUnknown');
    expect(failure.error.message).toContain('Listing batches to find it failed too');
    expect(lambdaCause(failure.error).length).toBeLessThan(CAUSE_LIMIT_CHARS);
  });

  it('names plain candidates with their creation time written anew', async () => {
    serve((_apiKey, request) => {
      if (request.method === 'POST') return { status: 500, body: errorBody({}) };
      const batch = JSON.parse(batchBody('msgbatch_candidate01')) as Record<string, unknown>;
      const data = Array.from({ length: 25 }, () => ({
        ...batch,
        created_at: `${new Date().toISOString().slice(0, 19)}.000000+00:00`,
      }));
      return { status: 200, body: JSON.stringify({ data, has_more: false }) };
    });

    const failure = await invokeExpectingError(createHandler, TEST_CREATE_EVENT);

    expect(failure.error.message).toMatch(
      /msgbatch_candidate01 \(created \d{4}-\d\d-\d\dT[\d:.]+Z,/,
    );
    expect(lambdaCause(failure.error).length).toBeLessThan(CAUSE_LIMIT_CHARS / 4);
  });
});
