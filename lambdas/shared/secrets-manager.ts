/**
 * Secrets Manager GetSecretValue, sent with node:https and signed with SigV4 from the
 * credentials that Lambda puts in the environment of the function's execution role.
 *
 * The handlers used to read the secret with the AWS SDK client, through Powertools parameters.
 * Loading that client and making its first call took 125 ms of every cold start. This is the one
 * AWS call that the handlers make on every cold start, so it is made directly.
 */
import { isLoopbackHost } from './config';
import { HttpConnectionError, HttpTimeoutError, sendHttpRequest } from './http-request';
import { isPlainObject } from './input-values';
import { signRequest } from './sigv4';

/** Error names of throttled or timed-out calls, which a new attempt may get through. */
const RETRYABLE_ERRORS =
  /^(Throttling|ThrottlingException|TooManyRequestsException|RequestLimitExceeded|RequestTimeoutException)$/;

/** Maximum length of an error name kept from a response. */
const MAX_ERROR_TYPE_LENGTH = 100;

/** GetSecretValue failed; `errorType` is the AWS error name or what went wrong instead. */
export class SecretReadError extends Error {
  override name = 'SecretReadError';
  /** Such as ResourceNotFoundException, AccessDeniedException, TimeoutError or ECONNREFUSED. */
  readonly errorType: string;
  /** A throttling error, a 5xx or a failed connection, which a new attempt may not meet. */
  readonly transient: boolean;
  /** A missing region or credentials, or a bad endpoint setting: no request was sent. */
  readonly configuration: boolean;

  constructor(
    errorType: string,
    message: string,
    options?: ErrorOptions & { transient?: boolean; configuration?: boolean },
  ) {
    super(message, options);
    this.errorType = errorType;
    this.transient = options?.transient ?? false;
    this.configuration = options?.configuration ?? false;
  }
}

/** The secret's value: SecretString as text, or SecretBinary as bytes. */
export type SecretValue = string | Uint8Array;

/**
 * Reads the current version of `secretId` (a name or an ARN) within `timeoutMs`.
 * Throws `SecretReadError` for a missing setting, a failed request or an AWS error response.
 */
export async function getSecretValue(
  secretId: string,
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SecretValue> {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? '';
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (region === '') {
    throw new SecretReadError('MissingRegion', 'AWS_REGION is not set', { configuration: true });
  }
  if (!accessKeyId || !secretAccessKey) {
    throw new SecretReadError(
      'MissingCredentials',
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set',
      { configuration: true },
    );
  }

  const url = secretsManagerEndpoint(region, env);
  const body = JSON.stringify({ SecretId: secretId });
  const headers = signRequest(
    {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body,
    },
    {
      credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN },
      region,
      service: 'secretsmanager',
    },
  );

  let response;
  try {
    // A new connection each time: reads are minutes apart, and a kept-alive connection that
    // AWS closed meanwhile would fail.
    response = await sendHttpRequest({
      method: 'POST',
      url,
      headers,
      body,
      timeoutMs,
      keepAlive: false,
    });
  } catch (error) {
    throw transportError(error, url, timeoutMs);
  }

  const parsed = parseJson(response.bodyText);
  if (response.status !== 200) {
    const errorType = awsErrorType(parsed, response.headers.get('x-amzn-errortype'));
    const transient =
      response.status >= 500 || response.status === 429 || RETRYABLE_ERRORS.test(errorType);
    throw new SecretReadError(errorType, `GetSecretValue returned HTTP ${response.status}`, {
      transient,
    });
  }
  if (isPlainObject(parsed) && typeof parsed.SecretString === 'string') return parsed.SecretString;
  if (isPlainObject(parsed) && typeof parsed.SecretBinary === 'string') {
    return new Uint8Array(Buffer.from(parsed.SecretBinary, 'base64'));
  }
  throw new SecretReadError('UnexpectedResponse', 'GetSecretValue returned no secret value');
}

/**
 * Returns the endpoint: AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL when set, as the AWS
 * SDKs read them, else the regional endpoint, or its FIPS variant when AWS_USE_FIPS_ENDPOINT=true.
 * Throws `SecretReadError` InvalidEndpoint for an override that is not a URL, or that uses
 * http:// to a host other than loopback.
 */
export function secretsManagerEndpoint(region: string, env: NodeJS.ProcessEnv): URL {
  // An empty variable counts as unset, so an empty service variable falls back to the general one.
  const override = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  if (override === undefined || override === '') {
    const host = env.AWS_USE_FIPS_ENDPOINT === 'true' ? 'secretsmanager-fips' : 'secretsmanager';
    const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
    return new URL(`https://${host}.${region}.${domain}/`);
  }
  let url: URL;
  try {
    url = new URL(override);
  } catch (error) {
    throw new SecretReadError('InvalidEndpoint', `the endpoint "${override}" is not a URL`, {
      cause: error,
      configuration: true,
    });
  }
  // The response carries the secret, so it may travel in clear text only on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new SecretReadError(
      'InvalidEndpoint',
      `the endpoint "${override}" must use https unless its host is loopback`,
      { configuration: true },
    );
  }
  return url;
}

function transportError(error: unknown, url: URL, timeoutMs: number): unknown {
  if (error instanceof HttpTimeoutError) {
    return new SecretReadError(
      'TimeoutError',
      `${url.host} did not answer within ${timeoutMs} ms`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof HttpConnectionError) {
    // A rejected certificate or an oversized response would fail the same way again.
    const permanent = error.code === 'ERESPONSETOOLARGE' || /CERT|TLS|SSL/.test(error.code);
    return new SecretReadError(error.code, `the connection to ${url.host} failed`, {
      cause: error,
      transient: !permanent,
    });
  }
  return error;
}

/** Reads `__type` (`Name` or `namespace#Name`) or the x-amzn-errortype header (`Name:detail`). */
function awsErrorType(body: unknown, header: string | undefined): string {
  const type = isPlainObject(body) && typeof body.__type === 'string' ? body.__type : header;
  const name = type?.split('#').pop()?.split(':')[0];
  if (name === undefined || name === '') return 'UnknownError';
  // The name goes into the error message, so a server cannot make that message arbitrarily long.
  return name.length > MAX_ERROR_TYPE_LENGTH ? `${name.slice(0, MAX_ERROR_TYPE_LENGTH)}…` : name;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
