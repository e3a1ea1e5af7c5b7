import type { Emulator } from '../../emulator';
import { batchPath, callApi, errorMessageOf, errorTypeOf, startTestEmulator } from './helpers';

let emulator: Emulator;

beforeEach(async () => {
  ({ emulator } = await startTestEmulator({ apiKeys: ['sk-ant-first', 'sk-ant-second'] }));
});

afterEach(() => emulator.close());

const VERSION = { 'anthropic-version': '2023-06-01' };

describe('API key check', () => {
  it('returns 401 when x-api-key is missing', async () => {
    const response = await callApi(emulator, 'GET', '/v1/messages/batches', { headers: VERSION });

    expect(response.status).toBe(401);
    expect(errorTypeOf(response)).toBe('authentication_error');
  });

  it('returns 401 for a key not accepted', async () => {
    const headers = { ...VERSION, 'x-api-key': 'sk-ant-wrong' };

    const response = await callApi(emulator, 'GET', '/v1/messages/batches', { headers });

    expect(response.status).toBe(401);
    expect(errorTypeOf(response)).toBe('authentication_error');
  });

  it.each([
    { header: 'x-api-key', value: 'sk-ant-first' },
    { header: 'x-api-key', value: 'sk-ant-second' },
    { header: 'authorization', value: 'Bearer sk-ant-second' },
  ])('accepts $header: $value', async ({ header, value }) => {
    const response = await callApi(emulator, 'GET', '/v1/messages/batches', {
      headers: { ...VERSION, [header]: value },
    });

    expect(response.status).toBe(200);
  });

  it('returns 401 for a Bearer token not accepted', async () => {
    const headers = { ...VERSION, authorization: 'Bearer sk-ant-wrong' };

    const response = await callApi(emulator, 'GET', '/v1/messages/batches', { headers });

    expect(response.status).toBe(401);
  });

  it('checks the key before anthropic-version', async () => {
    const response = await callApi(emulator, 'GET', '/v1/messages/batches', { headers: {} });

    expect(response.status).toBe(401);
  });
});

describe('anthropic-version check', () => {
  it('returns 400 when the header is missing', async () => {
    const headers = { 'x-api-key': 'sk-ant-first' };

    const response = await callApi(emulator, 'GET', '/v1/messages/batches', { headers });

    expect(response.status).toBe(400);
    expect(errorTypeOf(response)).toBe('invalid_request_error');
    expect(errorMessageOf(response)).toBe('anthropic-version: header is required');
  });
});

describe('error envelope', () => {
  const accepted = { ...VERSION, 'x-api-key': 'sk-ant-first' };

  it.each([
    { name: 'missing key', method: 'GET', path: '/v1/messages/batches', headers: VERSION },
    {
      name: 'missing version',
      method: 'GET',
      path: '/v1/messages/batches',
      headers: { 'x-api-key': 'sk-ant-first' },
    },
    { name: 'unknown path', method: 'GET', path: '/v2/anything', headers: accepted },
    { name: 'wrong method', method: 'PATCH', path: batchPath('msgbatch_x'), headers: accepted },
    { name: 'unknown batch', method: 'GET', path: batchPath('msgbatch_x'), headers: accepted },
    {
      name: 'invalid limit',
      method: 'GET',
      path: '/v1/messages/batches?limit=0',
      headers: accepted,
    },
  ])('carries the request id for $name', async ({ method, path, headers }) => {
    const response = await callApi(emulator, method, path, { headers });
    const body = response.body as { type: string; request_id: string };

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(body.type).toBe('error');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(body.request_id).toBe(response.headers.get('request-id'));
  });

  it('uses a new request id for each response', async () => {
    const first = await callApi(emulator, 'GET', '/v2/anything');
    const second = await callApi(emulator, 'GET', '/v2/anything');

    expect(first.headers.get('request-id')).not.toBe(second.headers.get('request-id'));
  });
});
