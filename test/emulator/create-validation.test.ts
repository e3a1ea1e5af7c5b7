import type { Emulator } from '../../emulator';
import {
  API_HEADERS,
  asBatch,
  batchRequests,
  callApi,
  errorMessageOf,
  errorTypeOf,
  startTestEmulator,
} from './helpers';

let emulator: Emulator;

beforeEach(async () => {
  ({ emulator } = await startTestEmulator({ maxBodyBytes: 1024 }));
});

afterEach(() => emulator.close());

function postCreate(body: unknown) {
  return callApi(emulator, 'POST', '/v1/messages/batches', { body });
}

const item = (customId: unknown, params: unknown = {}) => ({ custom_id: customId, params });

describe('create envelope validation', () => {
  it.each([
    { name: 'invalid JSON', body: '{"requests": [', message: 'Request body is not valid JSON' },
    { name: 'empty body', body: '', message: 'Request body is empty' },
    {
      name: 'array body',
      body: [],
      message: 'Request body must be a JSON object with a requests array, got an array',
    },
    { name: 'missing requests', body: {}, message: 'requests: field is required' },
    {
      name: 'requests not an array',
      body: { requests: {} },
      message: 'requests: must be an array, got an object',
    },
    {
      name: 'no requests',
      body: { requests: [] },
      message: 'requests: must contain at least 1 item, got 0',
    },
    {
      name: 'item not an object',
      body: { requests: [item('a'), 7] },
      message: 'requests.1: must be an object',
    },
    {
      name: 'custom_id missing',
      body: { requests: [{ params: {} }] },
      message: 'requests.0.custom_id: field is required',
    },
    {
      name: 'custom_id a number',
      body: { requests: [item(12)] },
      message: 'requests.0.custom_id: must be 1 to 64',
    },
    {
      name: 'custom_id with a space',
      body: { requests: [item('a'), item('b'), item('c'), item('d e')] },
      message: 'requests.3.custom_id: must be 1 to 64',
    },
    {
      name: 'custom_id empty',
      body: { requests: [item('')] },
      message: 'requests.0.custom_id: must be 1 to 64',
    },
    {
      name: 'custom_id of 65 characters',
      body: { requests: [item('x'.repeat(65))] },
      message: 'requests.0.custom_id: must be 1 to 64',
    },
    {
      name: 'params missing',
      body: { requests: [{ custom_id: 'a' }] },
      message: 'requests.0.params: field is required',
    },
    {
      name: 'params an array',
      body: { requests: [item('a', [])] },
      message: 'requests.0.params: must be an object, got an array',
    },
    {
      name: 'params a string',
      body: { requests: [item('a', 'hi')] },
      message: 'requests.0.params: must be an object, got a string',
    },
  ])('rejects $name with 400', async ({ body, message }) => {
    const response = await postCreate(body);

    expect(response.status).toBe(400);
    expect(errorTypeOf(response)).toBe('invalid_request_error');
    expect(errorMessageOf(response)).toContain(message);
  });

  it('quotes the invalid custom_id', async () => {
    const response = await postCreate({ requests: [item('bad id')] });

    expect(errorMessageOf(response)).toContain('got "bad id"');
  });

  it.each([
    { name: 'a custom_id of 64 characters', customId: 'x'.repeat(64) },
    { name: 'letters, digits, _ and -', customId: 'Az09_-' },
  ])('accepts $name', async ({ customId }) => {
    const response = await postCreate({ requests: [item(customId)] });

    expect(response.status).toBe(200);
  });

  it('does not check what params contains', async () => {
    const response = await postCreate({ requests: [item('a', { model: 42, unknown: true })] });

    expect(response.status).toBe(200);
  });
});

describe('request count limits', () => {
  beforeEach(async () => {
    await emulator.close();
    ({ emulator } = await startTestEmulator());
  });

  it('accepts 100,000 requests', async () => {
    const requests = Array.from({ length: 100_000 }, (_, i) => item(`r${i}`));

    const response = await postCreate({ requests });

    expect(response.status).toBe(200);
    expect(asBatch(response).request_counts.processing).toBe(100_000);
  });

  it('rejects 100,001 requests', async () => {
    const requests = Array.from({ length: 100_001 }, (_, i) => item(`r${i}`));

    const response = await postCreate({ requests });

    expect(response.status).toBe(400);
    expect(errorMessageOf(response)).toContain(
      'requests: must contain at most 100000 items, got 100001',
    );
  });
});

describe('duplicate custom_id', () => {
  const body = { requests: [item('same'), item('other'), item('same')] };

  it('is rejected with 400 by default', async () => {
    const response = await postCreate(body);

    expect(response.status).toBe(400);
    expect(errorMessageOf(response)).toContain(
      'requests.2.custom_id: "same" is already used by requests.0',
    );
  });

  it('is accepted when duplicateCustomId is accept', async () => {
    emulator.setEdgeCases({ duplicateCustomId: 'accept' });

    const response = await postCreate(body);

    expect(response.status).toBe(200);
    expect(asBatch(response).request_counts.processing).toBe(3);
  });
});

describe('body size limit', () => {
  const oversized = JSON.stringify({ requests: batchRequests(['a']), padding: 'x'.repeat(2_000) });

  it('returns 413 request_too_large as JSON by default', async () => {
    const response = await postCreate(oversized);

    expect(response.status).toBe(413);
    expect(errorTypeOf(response)).toBe('request_too_large');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('returns an HTML page when tooLargeBody is html', async () => {
    emulator.setEdgeCases({ tooLargeBody: 'html' });

    const response = await postCreate(oversized);

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<h1>413 Request Entity Too Large</h1>');
  });

  it('counts the bytes of a body sent without content-length', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(600));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });

    const response = await fetch(`${emulator.url}/v1/messages/batches`, {
      method: 'POST',
      headers: API_HEADERS,
      body,
      duplex: 'half',
    });

    expect(response.status).toBe(413);
  });

  it('accepts a body of exactly maxBodyBytes', async () => {
    const json = JSON.stringify({ requests: [item('a')] });
    const exact = json.padEnd(1024, ' ');

    const response = await postCreate(exact);

    expect(response.status).toBe(200);
  });

  it('creates no batch for a 413', async () => {
    await postCreate(oversized);

    expect(emulator.ledger()).toEqual([]);
  });
});
