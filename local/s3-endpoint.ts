/**
 * The local S3 endpoint of a local run: a requestsS3Uri input is read from an S3-compatible
 * server on a loopback host, never from AWS.
 */
import { isLoopbackHost } from '../lambdas/shared/config';
import { isPlainObject } from '../lambdas/shared/input-values';

/** Variables that only the create function gets, cleared before a run that sets none. */
const CREATE_ONLY_VARIABLES = ['REQUESTS_BUCKET', 'REQUESTS_PREFIX', 'UPLOAD_TIMEOUT_MS'];

/**
 * Returns why a run cannot read its requestsS3Uri input, or undefined when it can or the input
 * has none: the S3 endpoint must be set and be http(s) on a loopback host.
 */
export function checkS3Endpoint(
  input: unknown,
  s3EndpointUrl: string | undefined,
): string | undefined {
  if (s3EndpointUrl === undefined) {
    if (!isPlainObject(input) || input.requestsS3Uri === undefined) return undefined;
    return (
      'Invalid execution input: requestsS3Uri needs a local S3 endpoint, because the local ' +
      'runner never reads from AWS. Fix: start an S3-compatible server on 127.0.0.1, such as ' +
      's3rver, and pass its URL with --s3-endpoint.'
    );
  }
  let url: URL | undefined;
  try {
    url = new URL(s3EndpointUrl);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && isLoopbackHost(url.hostname);
  if (url === undefined || !/^https?:$/.test(url.protocol) || !loopback) {
    return (
      `Invalid S3 endpoint "${s3EndpointUrl}": it must be an http:// or https:// URL on a ` +
      'loopback host (127.0.0.0/8, localhost or [::1]). Fix: pass the URL of the local server.'
    );
  }
  return undefined;
}

/**
 * Returns the variables that point the create handler's S3 client at `s3EndpointUrl`, with the
 * metadata service turned off so the SDK never looks for credentials outside the environment.
 * Without an endpoint it returns nothing.
 */
export function s3EndpointEnvironment(s3EndpointUrl: string | undefined): Record<string, string> {
  if (s3EndpointUrl === undefined) return {};
  return {
    AWS_ENDPOINT_URL_S3: s3EndpointUrl,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
}

/** Removes the create-only variables that `environment` does not set, left by an earlier run. */
export function clearCreateOnlyVariables(environment: Record<string, string>): void {
  for (const name of CREATE_ONLY_VARIABLES) {
    if (environment[name] === undefined) delete process.env[name];
  }
}
