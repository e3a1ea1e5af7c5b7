/** Execution inputs that validateExecutionInput must reject, with the expected field and fix. */

export const PARAMS = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: [] };

export function item(customId: unknown, params: unknown = PARAMS): Record<string, unknown> {
  return { custom_id: customId, params };
}

export interface InvalidCase {
  name: string;
  input: unknown;
  field: string;
  /** Text that the message must contain to name the value. */
  valueDescription: string;
  fix: RegExp;
}

export const INVALID_CASES: InvalidCase[] = [
  {
    name: 'null input',
    input: null,
    field: 'input',
    valueDescription: 'null',
    fix: /send an object/,
  },
  {
    name: 'array input',
    input: [],
    field: 'input',
    valueDescription: 'an array of 0 items',
    fix: /send an object/,
  },
  {
    name: 'string input',
    input: 'hello',
    field: 'input',
    valueDescription: '"hello"',
    fix: /send an object/,
  },
  {
    name: 'top-level __proto__',
    input: JSON.parse('{"requests": [], "__proto__": {"polluted": true}}') as unknown,
    field: '__proto__',
    valueDescription: 'present',
    fix: /remove __proto__/,
  },
  {
    name: 'constructor in an item',
    input: { requests: [item('a'), { ...item('b'), constructor: 1 }] },
    field: 'requests[1].constructor',
    valueDescription: 'present',
    fix: /remove requests\[1\]\.constructor/,
  },
  {
    name: 'prototype at top level',
    input: { requests: [item('a')], prototype: {} },
    field: 'prototype',
    valueDescription: 'present',
    fix: /remove prototype/,
  },
  {
    name: 'apiKey field',
    input: { apiKey: 'sk-ant-secret-value', requests: [item('a')] },
    field: 'apiKey',
    valueDescription: 'present (its value is not shown)',
    fix: /Secrets Manager secret the stack created \(see README\)/,
  },
  {
    name: 'api_key field',
    input: { api_key: 'sk-ant-secret-value', requests: [item('a')] },
    field: 'api_key',
    valueDescription: 'present (its value is not shown)',
    fix: /Secrets Manager secret/,
  },
  {
    name: 'X-API-KEY field',
    input: { 'X-API-KEY': 'sk-ant-secret-value', requests: [item('a')] },
    field: 'X-API-KEY',
    valueDescription: 'present (its value is not shown)',
    fix: /Secrets Manager secret/,
  },
  {
    name: 'misspelled requests',
    input: { request: [item('a')] },
    field: 'request',
    valueDescription: 'an array of 1 item',
    fix: /^did you mean requests\?$/,
  },
  {
    name: 'snake_case anthropic_version',
    input: { requests: [item('a')], anthropic_version: '2023-06-01' },
    field: 'anthropic_version',
    valueDescription: 'a string of 10 characters',
    fix: /^did you mean anthropicVersion\?$/,
  },
  {
    name: 'unrelated unknown field',
    input: { requests: [item('a')], model: 'claude' },
    field: 'model',
    valueDescription: 'a string of 6 characters',
    fix: /^remove model$/,
  },
  {
    name: 'missing requests',
    input: {},
    field: 'requests',
    valueDescription: 'missing',
    fix: /set requests to/,
  },
  {
    name: 'requests as a string',
    input: { requests: 'Write a poem about the sea' },
    field: 'requests',
    valueDescription: 'a string of 26 characters',
    fix: /set requests to/,
  },
  {
    name: 'empty requests',
    input: { requests: [] },
    field: 'requests',
    valueDescription: 'an empty array',
    fix: /add at least one request/,
  },
  {
    name: 'too many requests',
    input: { requests: Array.from({ length: 100_001 }, (_, index) => item(`r${index}`)) },
    field: 'requests',
    valueDescription: 'an array of 100001 items',
    fix: /split the requests into batches of at most 100000/,
  },
  {
    name: 'item that is a string',
    input: { requests: [item('a'), 'Summarize this text'] },
    field: 'requests[1]',
    valueDescription: 'a string of 19 characters',
    fix: /make it an object/,
  },
  {
    name: 'item without custom_id',
    input: { requests: [{ params: PARAMS }] },
    field: 'requests[0].custom_id',
    valueDescription: 'missing',
    fix: /add custom_id/,
  },
  {
    name: 'item without params',
    input: { requests: [{ custom_id: 'a' }] },
    field: 'requests[0].params',
    valueDescription: 'missing',
    fix: /add params/,
  },
  {
    name: 'item with an extra field',
    input: { requests: [{ ...item('a'), messages: [] }] },
    field: 'requests[0].messages',
    valueDescription: 'an array of 0 items',
    fix: /move it into params/,
  },
  {
    name: 'custom_id with non-ASCII letters',
    input: { requests: [item('a'), item('b'), item('c'), item('héllo wörld')] },
    field: 'requests[3].custom_id',
    valueDescription: '"héllo wörld"',
    fix: /^rename it$/,
  },
  {
    name: 'custom_id of 65 characters',
    input: { requests: [item('x'.repeat(65))] },
    field: 'requests[0].custom_id',
    valueDescription: `"${'x'.repeat(57)}..."`,
    fix: /^rename it$/,
  },
  {
    name: 'empty custom_id',
    input: { requests: [item('')] },
    field: 'requests[0].custom_id',
    valueDescription: '""',
    fix: /^rename it$/,
  },
  {
    name: 'numeric custom_id',
    input: { requests: [item(42)] },
    field: 'requests[0].custom_id',
    valueDescription: '42',
    fix: /^rename it$/,
  },
  {
    name: 'duplicate custom_id',
    input: { requests: [item('dup'), item('other'), item('dup')] },
    field: 'requests[2].custom_id',
    valueDescription: '"dup"',
    fix: /rename requests\[2\] or requests\[0\]/,
  },
  {
    name: 'params as an array',
    input: { requests: [item('a', [{ role: 'user', content: 'secret prompt' }])] },
    field: 'requests[0].params',
    valueDescription: 'an array of 1 item',
    fix: /make params an object/,
  },
  {
    name: 'params as null',
    input: { requests: [item('a', null)] },
    field: 'requests[0].params',
    valueDescription: 'null',
    fix: /make params an object/,
  },
  {
    name: 'params as a prompt string',
    input: { requests: [item('a', 'secret prompt text')] },
    field: 'requests[0].params',
    valueDescription: 'a string of 18 characters',
    fix: /make params an object/,
  },
  {
    name: 'anthropicVersion not a date',
    input: { requests: [item('a')], anthropicVersion: 'latest' },
    field: 'anthropicVersion',
    valueDescription: '"latest"',
    fix: /"2023-06-01"/,
  },
  {
    name: 'anthropicVersion impossible date',
    input: { requests: [item('a')], anthropicVersion: '2023-02-30' },
    field: 'anthropicVersion',
    valueDescription: '"2023-02-30"',
    fix: /"2023-06-01"/,
  },
  {
    name: 'anthropicVersion as a number',
    input: { requests: [item('a')], anthropicVersion: 20230601 },
    field: 'anthropicVersion',
    valueDescription: '20230601',
    fix: /omit it/,
  },
];
