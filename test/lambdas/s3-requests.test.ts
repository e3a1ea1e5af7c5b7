import { handler as createHandler } from '../../lambdas/create-message-batch';
import {
  API_CREATE_BODY_LIMITS,
  buildCreateBody,
  type CreateBodyLimits,
  type CreateBodyProgress,
} from '../../lambdas/shared/create-body';
import { InvalidInputError } from '../../lambdas/shared/errors';
import { RequestItemSplitter } from '../../lambdas/shared/request-splitter';
import { validateTeardownInput } from '../../lambdas/shared/validate-input';
import {
  type LocalS3,
  localS3Environment,
  makeRequests,
  setEnvironment,
  startLocalS3,
  toJsonLines,
} from '../local-s3';
import { setApiKeyProvider } from '../../lambdas/shared/api-key';
import { invokeExpectingError, TEST_API_KEY, useHandlerTestEnv } from './lambda-test-env';

const OBJECT = 's3://requests-bucket/batches/test.jsonl';

/** A request whose strings hold every character that the array splitter must not misread. */
const TRICKY_REQUEST = {
  custom_id: 'tricky-1',
  params: {
    model: 'claude-haiku-4-5',
    max_tokens: 16,
    messages: [
      { role: 'user', content: 'brackets ] } [ { , and "quotes" and \\ backslashes \\" too' },
      { role: 'assistant', content: 'a line\nbreak, a tab\t, unicode héllo 🌊 and \\\\' },
    ],
  },
};

function splitAll(chunks: Buffer[], maxItemBytes = 1_000_000): string[] {
  const splitter = new RequestItemSplitter(maxItemBytes, (subject, value, rule, fix) => {
    return new Error(`${subject} is ${value}; ${rule}. Fix: ${fix}`);
  });
  const items = chunks.flatMap((chunk) => splitter.push(chunk));
  items.push(...splitter.end());
  return items.map((item) => item.bytes.toString('utf8'));
}

/** Cuts `text` into pieces of `size` bytes, so chunk edges fall inside characters and tokens. */
function chunked(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.subarray(offset, offset + size));
  }
  return chunks;
}

function splitError(text: string, maxItemBytes?: number): Error {
  try {
    splitAll([Buffer.from(text)], maxItemBytes);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the splitter accepted the object');
}

function inputError(input: unknown): InvalidInputError {
  try {
    validateTeardownInput(input);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('validateTeardownInput accepted the input');
}

describe('validateTeardownInput with requestsS3Uri', () => {
  it('returns the bucket and the key as given', () => {
    const input = { requestsS3Uri: 's3://my.requests-1/batches/a b%20c.jsonl' };

    expect(validateTeardownInput(input)).toEqual({
      mode: 'requestsS3Uri',
      requestsS3Uri: input.requestsS3Uri,
      location: { bucket: 'my.requests-1', key: 'batches/a b%20c.jsonl' },
      anthropicVersion: '2023-06-01',
    });
  });

  it.each([
    { case: 'a number', uri: 42, rule: /of the form s3:\/\/bucket\/key/ },
    { case: 'an https URL', uri: 'https://my-bucket/key', rule: /of the form s3:\/\/bucket\/key/ },
    { case: 'no key', uri: 's3://my-bucket', rule: /with a non-empty key/ },
    { case: 'an empty key', uri: 's3://my-bucket/', rule: /with a non-empty key/ },
    { case: 'a short bucket', uri: 's3://ab/key', rule: /3 to 63 characters/ },
    { case: 'uppercase', uri: 's3://My-Bucket/key', rule: /only lowercase letters/ },
    { case: 'adjacent dots', uri: 's3://my..bucket/key', rule: /two adjacent dots/ },
    { case: 'an IP address', uri: 's3://192.168.1.10/key', rule: /IP address/ },
    { case: 'a reserved prefix', uri: 's3://xn--bucket/key', rule: /must not start with "xn--"/ },
    {
      case: 'a reserved suffix',
      uri: 's3://bucket-s3alias/key',
      rule: /must not end with "-s3alias"/,
    },
    {
      case: 'a key over 1024 bytes',
      uri: `s3://my-bucket/${'é'.repeat(513)}`,
      rule: /at most 1024 bytes/,
    },
  ])('rejects $case', ({ uri, rule }) => {
    const error = inputError({ requestsS3Uri: uri });

    expect(error.field).toBe('requestsS3Uri');
    expect(error.message).toMatch(rule);
  });

  it.each([
    { other: { requests: [] }, field: 'requestsS3Uri' },
    { other: { batchId: 'msgbatch_01' }, field: 'batchId' },
  ])('rejects requestsS3Uri with $field', ({ other, field }) => {
    const error = inputError({ requestsS3Uri: 's3://my-bucket/key', ...other });

    expect(error.field).toBe(field);
    expect(error.message).toMatch(/set exactly one of requests .*, requestsS3Uri .* and batchId/);
  });
});

describe('RequestItemSplitter', () => {
  const requests = [...makeRequests(3), TRICKY_REQUEST];
  const expected = requests.map((request) => JSON.stringify(request));

  it('splits JSON Lines', () => {
    expect(splitAll([Buffer.from(toJsonLines(requests))])).toEqual(expected);
  });

  it('skips blank lines, CRLF and a byte order mark', () => {
    const text = `\ufeff\n${expected.join('\r\n\r\n')}\r\n  \n`;

    expect(splitAll([Buffer.from(text)])).toEqual(expected);
  });

  it('takes a last line without a newline', () => {
    expect(splitAll([Buffer.from(expected.join('\n'))])).toEqual(expected);
  });

  it('splits a JSON array, compact and pretty-printed', () => {
    expect(splitAll([Buffer.from(JSON.stringify(requests))])).toEqual(expected);
    const pretty = splitAll([Buffer.from(JSON.stringify(requests, null, 2))]);

    expect(pretty.map((item) => JSON.parse(item) as unknown)).toEqual(requests);
  });

  it('keeps non-object array items for the item check', () => {
    expect(splitAll([Buffer.from('[ "a]b" , 42,null ,[1,[2]] ]')])).toEqual([
      '"a]b"',
      '42',
      'null',
      '[1,[2]]',
    ]);
  });

  it.each([
    { format: 'JSON Lines', text: toJsonLines(requests) },
    { format: 'a JSON array', text: JSON.stringify(requests, null, 1) },
  ])('splits $format the same at every chunk edge', ({ text }) => {
    const whole = splitAll([Buffer.from(text)]);
    const bytes = Buffer.from(text);
    for (let edge = 1; edge < bytes.length; edge += 1) {
      expect(splitAll([bytes.subarray(0, edge), bytes.subarray(edge)])).toEqual(whole);
    }
    expect(splitAll(chunked(text, 1))).toEqual(whole);
    expect(splitAll(chunked(text, 7))).toEqual(whole);
  });

  it.each([
    { problem: 'an empty object', text: ' \n ', message: /the object is empty/ },
    { problem: 'gzip', text: '\u001f\u008b...', message: /compressed.*upload it uncompressed/ },
    { problem: 'another first character', text: 'custom_id,params', message: /must be \{ or \[/ },
    { problem: 'an unclosed array', text: '[{"a": 1}', message: /not closed.*before the \]/ },
    { problem: 'an array cut in an item', text: '[{"a": "]', message: /inside item \[0\]/ },
    { problem: 'a trailing comma', text: '[{"a": 1},\n]', message: /a comma before \] on line 2/ },
    {
      problem: 'a missing comma',
      text: '[{"a": 1}\n{"b": 2}]',
      message: /missing a comma before line 2/,
    },
    { problem: 'an empty item', text: '[{"a": 1},,{}]', message: /an empty item/ },
    { problem: 'content after ]', text: '[{"a": 1}] x', message: /content after the closing \]/ },
  ])('rejects $problem', ({ text, message }) => {
    expect(splitError(text).message).toMatch(message);
  });

  it.each([
    { format: 'JSON Lines', text: `{"a": 1}\n{"b": "${'x'.repeat(200)}"}\n`, where: 'line 2' },
    {
      format: 'an array',
      text: `[{"a": 1},\n{"b": "${'x'.repeat(200)}"}]`,
      where: 'item [1] on line 2',
    },
  ])('rejects an item over the size limit in $format', ({ text, where }) => {
    expect(splitError(text, 100).message).toBe(
      `${where} is larger than 100 bytes; one request may be at most 100 bytes. Fix: shorten that request, for example by sending large documents through the Files API`,
    );
  });
});

async function* chunksOf(content: string | Buffer, size = 64): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(content);
  for (let offset = 0; offset < bytes.length; offset += size) {
    // Each chunk arrives on a later microtask, as chunks from a socket do.
    yield await Promise.resolve(bytes.subarray(offset, offset + size));
  }
}

interface BuildResult {
  body: string;
  progress: CreateBodyProgress;
  error?: Error;
}

async function build(
  text: string | Buffer,
  limits: Partial<CreateBodyLimits> = {},
): Promise<BuildResult> {
  const progress = { requestCount: 0, bodyBytes: 0, complete: false };
  const pieces: Buffer[] = [];
  try {
    const body = buildCreateBody(
      chunksOf(text),
      OBJECT,
      { ...API_CREATE_BODY_LIMITS, ...limits },
      progress,
    );
    for await (const piece of body) pieces.push(piece);
  } catch (error) {
    return { body: Buffer.concat(pieces).toString(), progress, error: error as Error };
  }
  return { body: Buffer.concat(pieces).toString(), progress };
}

const PARAMS = '{"model": "claude-haiku-4-5", "max_tokens": 16, "messages": []}';

describe('buildCreateBody', () => {
  it('builds the create body from JSON Lines', async () => {
    const requests = makeRequests(500);
    const result = await build(toJsonLines(requests));

    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.body)).toEqual({ requests });
    expect(result.progress).toEqual({
      requestCount: 500,
      bodyBytes: Buffer.byteLength(result.body),
      complete: true,
    });
  });

  it('builds the create body from a JSON array with tricky strings', async () => {
    const requests = [TRICKY_REQUEST, ...makeRequests(2)];
    const result = await build(JSON.stringify(requests, null, 2));

    expect(JSON.parse(result.body)).toEqual({ requests });
  });

  it.each([
    {
      problem: 'invalid JSON',
      text: `{"custom_id": "a", "params": ${PARAMS}}\n{"custom_id": "b", "params": {"secret prompt"}}\n`,
      subject: 'line 2',
      value: 'not valid JSON (error at character 46)',
      fix: 'correct the JSON of line 2',
    },
    {
      problem: 'an item that is not an object',
      text: `[{"custom_id": "a", "params": ${PARAMS}}, "Summarize this"]`,
      subject: 'item [1] on line 1',
      value: 'a string of 14 characters',
      fix: 'make it an object {"custom_id": ..., "params": {...}}',
    },
    {
      problem: 'a missing custom_id',
      text: `{"params": ${PARAMS}}\n`,
      subject: 'custom_id at line 1',
      value: 'missing',
      fix: 'add custom_id',
    },
    {
      problem: 'missing params',
      text: '{"custom_id": "a"}\n',
      subject: 'params at line 1',
      value: 'missing',
      fix: 'add params',
    },
    {
      problem: 'an extra field',
      text: `{"custom_id": "a", "params": ${PARAMS}, "model": "claude"}\n`,
      subject: 'model at line 1',
      value: 'a string of 6 characters',
      fix: 'remove model, or move it into params if it is a Messages API parameter',
    },
    {
      problem: 'a __proto__ field',
      text: `{"custom_id": "a", "params": ${PARAMS}, "__proto__": {"x": 1}}\n`,
      subject: '__proto__ at line 1',
      value: 'an object',
      fix: 'remove __proto__, or move it into params if it is a Messages API parameter',
    },
    {
      problem: 'a custom_id with spaces',
      text: `{"custom_id": "a b", "params": ${PARAMS}}\n`,
      subject: 'custom_id at line 1',
      value: '"a b"',
      fix: 'rename it',
    },
    {
      problem: 'a duplicate custom_id in JSON Lines',
      text: `{"custom_id": "a", "params": ${PARAMS}}\n\n{"custom_id": "a", "params": ${PARAMS}}\n`,
      subject: 'custom_id at line 3',
      value: '"a"',
      fix: 'rename one of the two',
    },
    {
      problem: 'a duplicate custom_id in an array',
      text: `[{"custom_id": "a", "params": ${PARAMS}},\n {"custom_id": "a", "params": ${PARAMS}}]`,
      subject: 'custom_id at item [1] on line 2',
      value: '"a"',
      fix: 'rename one of the two',
    },
    {
      problem: 'params as a prompt string',
      text: '{"custom_id": "a", "params": "secret prompt"}\n',
      subject: 'params at line 1',
      value: 'a string of 13 characters',
      fix: 'make params an object',
    },
    {
      problem: 'no requests',
      text: '[]',
      subject: 'the object',
      value: 'without requests',
      fix: 'add at least one request object',
    },
    {
      problem: 'invalid UTF-8',
      text: Buffer.concat([
        Buffer.from('{"custom_id": "a", "params": {"x": "'),
        Buffer.from([0xff]),
        Buffer.from('"}}\n'),
      ]),
      subject: 'line 1',
      value: 'not valid UTF-8',
      fix: 'save it as UTF-8',
    },
  ])('rejects $problem', async ({ text, subject, value, fix }) => {
    const { error, body, progress } = await build(text);

    expect(error).toBeInstanceOf(InvalidInputError);
    const invalid = error as InvalidInputError;
    expect(invalid.field).toBe(subject);
    expect(invalid.value).toBe(value);
    expect(invalid.fix).toBe(fix);
    expect(invalid.message).toContain(
      `Invalid requests object ${OBJECT}: ${subject} is ${value}; `,
    );
    expect(invalid.message).not.toContain('secret prompt');
    expect(body.endsWith(']}')).toBe(false);
    expect(progress.complete).toBe(false);
  });

  it('rejects one request more than the maximum', async () => {
    const { error, progress } = await build(toJsonLines(makeRequests(4)), { maxRequests: 3 });

    expect(error?.message).toBe(
      `Invalid requests object ${OBJECT}: line 4 is request number 4; a batch may hold at most 3 requests. Fix: split the requests into objects of at most 3 requests.`,
    );
    expect(progress.requestCount).toBe(3);
  });

  it('rejects the request that takes the body past the limit', async () => {
    const requests = makeRequests(10);
    const itemBytes = Buffer.byteLength(JSON.stringify(requests[0]));
    const { error } = await build(toJsonLines(requests), { maxBodyBytes: itemBytes * 5 });

    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe('line 5');
    expect((error as InvalidInputError).fix).toMatch(/this one fits 4 requests/);
  });
});

/** Waits up to 2 s for `condition`, because the emulator records a request after its socket closes. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('create handler with requestsS3Uri', () => {
  const BUCKET = 'requests-bucket';
  const env = useHandlerTestEnv({}, 'test');
  let s3: LocalS3;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    s3 = await startLocalS3([BUCKET, 'other-bucket']);
  });

  afterAll(async () => {
    await s3.close();
  });

  beforeEach(() => {
    restoreEnvironment = setEnvironment({
      ...localS3Environment(s3.endpoint),
      REQUESTS_BUCKET: BUCKET,
      REQUESTS_PREFIX: 'batches/',
    });
  });

  afterEach(() => {
    restoreEnvironment();
  });

  function createEvent(key: string, bucket = BUCKET): unknown {
    return { executionInput: { requestsS3Uri: `s3://${bucket}/${key}` } };
  }

  it.each([
    { format: 'JSON Lines', key: 'batches/2000.jsonl', toText: toJsonLines },
    {
      format: 'a JSON array',
      key: 'batches/2000.json',
      toText: (requests: unknown[]) => JSON.stringify(requests, null, 2),
    },
  ])('creates a batch from $format', async ({ key, toText }) => {
    await s3.putObject(BUCKET, key, toText(makeRequests(2000)));

    const result = await createHandler(createEvent(key));

    expect(result.anthropicVersion).toBe('2023-06-01');
    expect(env.emulator.ledger()).toEqual([
      expect.objectContaining({ id: result.batch.id, requestCount: 2000 }),
    ]);
  });

  it('reopens the object after a 401', async () => {
    await s3.putObject(BUCKET, 'batches/401.jsonl', toJsonLines(makeRequests(3000)));
    setApiKeyProvider(({ forceRefresh }) =>
      Promise.resolve(forceRefresh ? TEST_API_KEY : 'sk-ant-rotated-away'),
    );

    const result = await createHandler(createEvent('batches/401.jsonl'));

    expect(env.emulator.ledger()).toEqual([
      expect.objectContaining({ id: result.batch.id, requestCount: 3000 }),
    ]);
    expect(env.emulator.requests().map((request) => request.status)).toEqual([401, 200]);
  });

  it('aborts the upload at an invalid item and creates nothing', async () => {
    const requests: unknown[] = makeRequests(6000, 200);
    requests[5000] = { custom_id: 'bad id', params: {} };
    await s3.putObject(BUCKET, 'batches/bad.jsonl', toJsonLines(requests));

    const { error, details } = await invokeExpectingError(
      createHandler,
      createEvent('batches/bad.jsonl'),
    );

    expect(error.name).toBe('InvalidInput');
    expect(details.field).toBe('custom_id at line 5001');
    expect(details.message).toContain('s3://requests-bucket/batches/bad.jsonl');
    expect(env.emulator.ledger()).toEqual([]);
    // The create request had started: the emulator saw it end without a complete body.
    await waitFor(() => env.emulator.requests().length > 0);
    expect(env.emulator.requests()).toEqual([
      expect.objectContaining({ route: 'createMessageBatch', status: 'reset' }),
    ]);
  });

  it('rejects a missing object before any API call', async () => {
    const { error, details } = await invokeExpectingError(
      createHandler,
      createEvent('batches/missing.jsonl'),
    );

    expect(error.name).toBe('InvalidInput');
    expect(details.message).toMatch(/no object exists at this key \(S3 NoSuchKey\)/);
    expect(env.emulator.requests()).toEqual([]);
  });

  it.each([
    { case: 'another bucket', bucket: 'other-bucket', key: 'batches/a.jsonl' },
    { case: 'another prefix', bucket: BUCKET, key: 'private/a.jsonl' },
  ])('rejects $case before any S3 or API call', async ({ bucket, key }) => {
    await s3.putObject(bucket, key, toJsonLines(makeRequests(1)));

    const { error, details } = await invokeExpectingError(createHandler, createEvent(key, bucket));

    expect(error.name).toBe('InvalidInput');
    expect(details.message).toContain(
      'this stack may read requests only from objects under s3://requests-bucket/batches/',
    );
    expect(env.emulator.requests()).toEqual([]);
  });

  it('rejects S3 input when no requests bucket is configured', async () => {
    delete process.env.REQUESTS_BUCKET;

    const { error, details } = await invokeExpectingError(
      createHandler,
      createEvent('batches/a.jsonl'),
    );

    expect(error.name).toBe('InvalidInput');
    expect(details.message).toMatch(/the stack was deployed without a requests bucket/);
    expect(details.fix).toMatch(/-c requestsBucketName=BUCKET/);
  });
});
