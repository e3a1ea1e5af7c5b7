/**
 * AWS Signature Version 4 for requests sent with node:https, so that a handler can call an AWS
 * API without bundling the AWS SDK. It signs with an Authorization header only: no presigned
 * URLs, no chunked payloads, no x-amz-content-sha256 header, no S3 path rules.
 */
import { createHash, createHmac } from 'node:crypto';

/** Credentials of the Lambda execution role, as the runtime sets them in the environment. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Session token of temporary credentials, sent as x-amz-security-token. */
  readonly sessionToken?: string;
}

/** An HTTP request as it will be sent. */
export interface SignableRequest {
  readonly method: string;
  /** Full URL. Its path and query are signed as they appear in it, already percent-encoded. */
  readonly url: URL;
  /** Headers to send and sign, with names in any case. */
  readonly headers: Readonly<Record<string, string>>;
  /** @default '' (an empty body) */
  readonly body?: string | Uint8Array;
}

/** Credentials, endpoint region and service, and signing time. */
export interface SigningOptions {
  readonly credentials: AwsCredentials;
  /** Region of the endpoint, such as `us-east-1`. */
  readonly region: string;
  /** Signing name of the service, such as `secretsmanager`. */
  readonly service: string;
  /** @default the current time */
  readonly now?: Date;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * Signs `request` and returns the headers to send: the given ones with names lowercased, plus
 * `host` (unless given), `x-amz-date`, `x-amz-security-token` (when the credentials have a
 * session token) and `authorization`. Every returned header except `authorization` is signed,
 * so add none that a proxy may change, such as user-agent.
 */
export function signRequest(
  request: SignableRequest,
  options: SigningOptions,
): Record<string, string> {
  const { credentials, region, service } = options;
  const amzDate = (options.now ?? new Date()).toISOString().replace(/[-:]|\.\d+/g, '');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;

  const headers: Record<string, string> = { host: request.url.host };
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name.toLowerCase()] = value;
  }
  delete headers.authorization;
  headers['x-amz-date'] = amzDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;

  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalUri(request.url.pathname),
    canonicalQuery(request.url.search),
    ...names.map((name) => `${name}:${canonicalHeaderValue(headers[name] ?? '')}`),
    '',
    signedHeaders,
    sha256Hex(request.body ?? ''),
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');

  let key = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');

  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Percent-encodes every byte outside RFC 3986's unreserved set (A-Z a-z 0-9 - . _ ~). */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * Encodes each segment of the already-encoded path once more, which is the double encoding AWS
 * requires for every service but S3: a space sent as %20 is signed as %2520. Empty segments are
 * dropped as AWS normalizes them, and URL has already resolved `.` and `..`.
 */
function canonicalUri(pathname: string): string {
  const segments = pathname.split('/').filter((segment) => segment !== '');
  if (segments.length === 0) return '/';
  const trailingSlash = pathname.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailingSlash}`;
}

/**
 * Sorts the parameters by name, then value, each decoded and then RFC 3986 encoded. A `+` counts
 * as a literal plus, not as a space, so encode a space as %20. A malformed escape throws URIError.
 */
function canonicalQuery(search: string): string {
  // NUL sorts before every character of an encoded name, so sorting `name NUL value` orders by
  // name first, which `name=value` would not: `a-b=1` sorts before `a=2`.
  return search
    .slice(1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const [name = '', ...value] = pair.split('=');
      return `${reencode(name)}\0${reencode(value.join('='))}`;
    })
    .sort()
    .map((pair) => pair.replace('\0', '='))
    .join('&');
}

function reencode(text: string): string {
  return uriEncode(decodeURIComponent(text));
}

/** Trims the value and collapses each run of spaces, tabs and line breaks into one space. */
function canonicalHeaderValue(value: string): string {
  return value
    .split(/[ \t\r\n]+/)
    .filter((word) => word !== '')
    .join(' ');
}
