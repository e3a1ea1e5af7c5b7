/**
 * Checks signRequest against @smithy/signature-v4, the signer inside the AWS SDK for JavaScript
 * v3, and against vectors of AWS's published SigV4 test suite.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { signRequest, type AwsCredentials, type SignableRequest } from '../../lambdas/shared/sigv4';

const NOW = new Date('2026-03-14T09:26:53Z');
const REGION = 'eu-west-1';
const SERVICE = 'secretsmanager';

const CREDENTIALS: AwsCredentials = {
  accessKeyId: 'AKIDSIGV4TESTKEY0001',
  secretAccessKey: 'sigv4TestSecretKeyThatIsNotARealAwsSecret01',
};
const SESSION_CREDENTIALS: AwsCredentials = {
  ...CREDENTIALS,
  sessionToken: 'IQoJb3JpZ2luX2VjEFakeSessionTokenForSigV4Tests//+==',
};

type SmithyQuery = Record<string, string | string[]>;

interface SigningCase {
  name: string;
  request: SignableRequest;
  /** The URL's query as @smithy/signature-v4 takes it: decoded names and values. */
  query?: SmithyQuery;
  credentials?: AwsCredentials;
}

const GET_SECRET_VALUE_HEADERS = {
  'Content-Type': 'application/x-amz-json-1.1',
  'X-Amz-Target': 'secretsmanager.GetSecretValue',
};

const CASES: SigningCase[] = [
  {
    name: 'GET with an empty body',
    request: { method: 'GET', url: new URL('https://example.amazonaws.com/'), headers: {} },
  },
  {
    name: 'GetSecretValue with a JSON body',
    request: {
      method: 'POST',
      url: new URL('https://secretsmanager.eu-west-1.amazonaws.com/'),
      headers: GET_SECRET_VALUE_HEADERS,
      body: JSON.stringify({ SecretId: 'anthropic/api-key' }),
    },
  },
  {
    name: 'GetSecretValue with a session token',
    request: {
      method: 'POST',
      url: new URL('https://secretsmanager.eu-west-1.amazonaws.com/'),
      headers: GET_SECRET_VALUE_HEADERS,
      body: '{"SecretId":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf"}',
    },
    credentials: SESSION_CREDENTIALS,
  },
  {
    name: 'URL with a port',
    request: {
      method: 'POST',
      url: new URL('http://127.0.0.1:45123/'),
      headers: GET_SECRET_VALUE_HEADERS,
      body: '{"SecretId":"local"}',
    },
    credentials: SESSION_CREDENTIALS,
  },
  {
    name: 'URL without a path',
    request: { method: 'GET', url: new URL('https://example.amazonaws.com'), headers: {} },
  },
  {
    name: 'path that needs encoding',
    request: {
      method: 'GET',
      url: new URL("https://example.amazonaws.com/a b/ü/key:v@1/(x)*!'/~._-/%2F/"),
      headers: {},
    },
  },
  {
    name: 'path with empty segments',
    request: { method: 'GET', url: new URL('https://example.amazonaws.com//a//b'), headers: {} },
  },
  {
    name: 'query string',
    request: {
      method: 'GET',
      url: new URL(
        "https://example.amazonaws.com/list?b=two%20words&a=2&a=1&a-b=0&c~d=x%2Fy*&e=(f)!'&Z=&g=%E2%82%AC",
      ),
      headers: {},
    },
    query: {
      b: 'two words',
      a: ['2', '1'],
      'a-b': '0',
      'c~d': 'x/y*',
      e: "(f)!'",
      Z: '',
      g: '€',
    },
  },
  {
    name: 'header values with extra whitespace',
    request: {
      method: 'POST',
      url: new URL('https://example.amazonaws.com/'),
      headers: {
        'X-Amz-Target': '  secretsmanager.GetSecretValue  ',
        'X-Custom': 'a   b \t c',
        'x-empty': '',
      },
      body: '{}',
    },
  },
];

function smithySigner(credentials: AwsCredentials): SignatureV4 {
  return new SignatureV4({
    credentials,
    region: REGION,
    service: SERVICE,
    sha256: Hash.bind(null, 'sha256'),
    // signRequest adds no x-amz-content-sha256 header, which only S3 requires.
    applyChecksum: false,
  });
}

/** Signs with @smithy/signature-v4 and returns its headers with names lowercased. */
async function signWithSmithy(testCase: SigningCase): Promise<Record<string, string>> {
  const { url, method, headers, body } = testCase.request;
  const signed = await smithySigner(testCase.credentials ?? CREDENTIALS).sign(
    {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: url.pathname,
      query: testCase.query ?? {},
      // The SDK's host-header middleware adds host before signing, so do that here.
      headers: { host: url.host, ...headers },
      body,
    },
    { signingDate: NOW },
  );
  return Object.fromEntries(
    Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

function sign(testCase: SigningCase, now = NOW): Record<string, string> {
  return signRequest(testCase.request, {
    credentials: testCase.credentials ?? CREDENTIALS,
    region: REGION,
    service: SERVICE,
    now,
  });
}

describe('signRequest compared with @smithy/signature-v4', () => {
  it.each(CASES)('same authorization: $name', async (testCase) => {
    const expected = await signWithSmithy(testCase);

    expect(sign(testCase).authorization).toBe(expected.authorization);
  });

  it.each(CASES)('same headers: $name', async (testCase) => {
    const expected = await signWithSmithy(testCase);

    expect(sign(testCase)).toEqual(expected);
  });
});

describe('signRequest', () => {
  const baseCase = CASES[1]!;
  const baseRequest = baseCase.request;

  it('adds host, x-amz-date and authorization', () => {
    const headers = sign(baseCase);

    expect(headers.host).toBe('secretsmanager.eu-west-1.amazonaws.com');
    expect(headers['x-amz-date']).toBe('20260314T092653Z');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSIGV4TESTKEY0001\/20260314\/eu-west-1\/secretsmanager\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(headers).not.toHaveProperty('x-amz-security-token');
  });

  it('signs the session token when there is one', () => {
    const headers = sign({ ...baseCase, credentials: SESSION_CREDENTIALS });

    expect(headers['x-amz-security-token']).toBe(SESSION_CREDENTIALS.sessionToken);
    expect(headers.authorization).toContain(
      'SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,',
    );
  });

  it.each([
    { url: 'http://127.0.0.1:45123/', host: '127.0.0.1:45123' },
    { url: 'https://example.amazonaws.com:8443/', host: 'example.amazonaws.com:8443' },
    { url: 'https://example.amazonaws.com:443/', host: 'example.amazonaws.com' },
    { url: 'http://example.amazonaws.com:80/', host: 'example.amazonaws.com' },
  ])('host of $url is $host', ({ url, host }) => {
    const headers = sign({ name: url, request: { ...baseRequest, url: new URL(url) } });

    expect(headers.host).toBe(host);
  });

  it('keeps a host header that the caller set', () => {
    const request = { ...baseRequest, headers: { ...baseRequest.headers, Host: 'signed.example' } };

    expect(sign({ name: 'host', request }).host).toBe('signed.example');
  });

  it('ignores an authorization header from an earlier signing', () => {
    const first = sign(baseCase);
    const again = sign({ name: 'again', request: { ...baseRequest, headers: first } });

    expect(again.authorization).toBe(first.authorization);
  });

  it('signs collapsed whitespace like single spaces', () => {
    const spaced = { ...baseRequest, headers: { 'x-custom': ' \t a  \t b   ' } };
    const single = { ...baseRequest, headers: { 'x-custom': 'a b' } };

    expect(sign({ name: 'spaced', request: spaced }).authorization).toBe(
      sign({ name: 'single', request: single }).authorization,
    );
  });

  it('signs a Uint8Array body like the same string', () => {
    const body = Buffer.from(baseRequest.body as string, 'utf8');

    expect(sign({ name: 'bytes', request: { ...baseRequest, body } }).authorization).toBe(
      sign(baseCase).authorization,
    );
  });

  // Each change must alter the signature, so the comparisons above cannot pass by accident.
  it.each<{ change: string; request: SignableRequest; now?: Date; credentials?: AwsCredentials }>([
    {
      change: 'header value',
      request: {
        ...baseRequest,
        headers: { ...baseRequest.headers, 'X-Amz-Target': 'secretsmanager.ListSecrets' },
      },
    },
    { change: 'body', request: { ...baseRequest, body: '{"SecretId":"other"}' } },
    { change: 'method', request: { ...baseRequest, method: 'PUT' } },
    { change: 'path', request: { ...baseRequest, url: new URL(`${baseRequest.url.href}x`) } },
    { change: 'query', request: { ...baseRequest, url: new URL(`${baseRequest.url.href}?a=1`) } },
    { change: 'time by one second', request: baseRequest, now: new Date(NOW.getTime() + 1000) },
    {
      change: 'secret access key',
      request: baseRequest,
      credentials: { ...CREDENTIALS, secretAccessKey: `${CREDENTIALS.secretAccessKey}x` },
    },
  ])('different signature after changing $change', ({ request, now, credentials }) => {
    const changed = sign({ name: 'changed', request, credentials }, now);

    expect(signatureOf(changed)).not.toBe(signatureOf(sign(baseCase)));
  });
});

function signatureOf(headers: Record<string, string>): string | undefined {
  return /Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '')?.[1];
}

// Two cases of AWS's SigV4 test suite (aws-sig-v4-test-suite), whose expected signatures
// @smithy/signature-v4 5.7.5 also computes. Each request has only the Host and X-Amz-Date headers.
describe('signRequest with AWS SigV4 test-suite vectors', () => {
  const vectorOptions = {
    credentials: {
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    },
    region: 'us-east-1',
    service: 'service',
    now: new Date('2015-08-30T12:36:00Z'),
  };

  it.each([
    {
      vector: 'get-vanilla',
      url: 'https://example.amazonaws.com/',
      signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    },
    {
      vector: 'get-vanilla-query-order-key-case',
      url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
      signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    },
  ])('$vector', ({ url, signature }) => {
    const headers = signRequest({ method: 'GET', url: new URL(url), headers: {} }, vectorOptions);

    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ' +
        `SignedHeaders=host;x-amz-date, Signature=${signature}`,
    );
  });
});
