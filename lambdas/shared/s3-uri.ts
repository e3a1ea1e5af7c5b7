/**
 * The `requestsS3Uri` input: parsing an `s3://bucket/key` URI and checking it against the bucket
 * and prefix that the create function may read (REQUESTS_BUCKET and REQUESTS_PREFIX).
 *
 * The local runner and the CLI use this module through validate-input.ts, so it imports nothing
 * that needs Lambda.
 */
import type { InvalidInputError } from './errors';
import { describeValue, invalidField } from './input-values';

/** One S3 object, as named by an `s3://bucket/key` URI. */
export interface S3ObjectLocation {
  readonly bucket: string;
  /** Object key, taken verbatim from the URI: no percent-decoding. */
  readonly key: string;
}

/**
 * Bucket and prefix from which the create function may read requests objects. `configured:
 * false` means that the stack was deployed without a requests bucket, so no `requestsS3Uri`
 * input is accepted.
 */
export type RequestsBucketAccess =
  | { readonly configured: false }
  | { readonly configured: true; readonly bucket: string; readonly prefix: string };

/** Maximum length of an S3 object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;
const URI_SCHEME = 's3://';
const FIELD = 'requestsS3Uri';

/**
 * Reads REQUESTS_BUCKET and REQUESTS_PREFIX, which the construct sets on the create function
 * only when it was given a requests bucket.
 */
export function readRequestsBucketAccess(
  env: NodeJS.ProcessEnv = process.env,
): RequestsBucketAccess {
  const bucket = env.REQUESTS_BUCKET;
  if (bucket === undefined || bucket === '') return { configured: false };
  return { configured: true, bucket, prefix: env.REQUESTS_PREFIX ?? '' };
}

/**
 * Parses `s3://<bucket>/<key>`. The bucket must follow the S3 naming rules for general purpose
 * buckets and the key must be 1 to 1024 bytes. Throws `InvalidInputError` naming the problem.
 */
export function parseS3Uri(value: unknown, context: string): S3ObjectLocation {
  const example = 'set requestsS3Uri to "s3://my-bucket/batches/requests.jsonl"';
  if (typeof value !== 'string' || !value.startsWith(URI_SCHEME)) {
    throw invalidUri(value, context, 'it must be a string of the form s3://bucket/key', example);
  }
  const path = value.slice(URI_SCHEME.length);
  const slash = path.indexOf('/');
  const bucket = slash === -1 ? path : path.slice(0, slash);
  const key = slash === -1 ? '' : path.slice(slash + 1);
  const bucketProblem = describeBucketNameProblem(bucket);
  if (bucketProblem !== undefined) {
    throw invalidUri(value, context, `its bucket name ${bucketProblem}`, example);
  }
  if (key === '') {
    const rule = 'it must name an object: s3://bucket/key with a non-empty key';
    throw invalidUri(value, context, rule, 'add the object key after the bucket name');
  }
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    const rule = `its object key must be at most ${MAX_KEY_BYTES} bytes of UTF-8`;
    throw invalidUri(value, context, rule, 'use a shorter object key');
  }
  return { bucket, key };
}

/**
 * Checks that the object lies in the bucket and under the prefix that the function may read.
 * Throws `InvalidInputError` naming the allowed location, or saying that the stack accepts no
 * S3 input when it was deployed without a requests bucket.
 */
export function checkRequestsLocation(
  location: S3ObjectLocation,
  access: RequestsBucketAccess,
  context: string,
): void {
  const uri = formatS3Uri(location);
  if (!access.configured) {
    const rule =
      'the stack was deployed without a requests bucket, so it accepts no S3 input (context key requestsBucketName, construct prop requestsBucket)';
    const fix =
      'deploy with -c requestsBucketName=BUCKET (and optionally -c requestsPrefix=PREFIX), or send the requests in the input';
    throw invalidUri(uri, context, rule, fix);
  }
  if (location.bucket !== access.bucket || !location.key.startsWith(access.prefix)) {
    const allowed = formatS3Uri({ bucket: access.bucket, key: access.prefix });
    const rule = `this stack may read requests only from objects under ${allowed}`;
    const fix = `upload the requests under ${allowed} and pass that object's URI`;
    throw invalidUri(uri, context, rule, fix);
  }
}

/** Formats a location as `s3://bucket/key`. */
export function formatS3Uri(location: S3ObjectLocation): string {
  return `${URI_SCHEME}${location.bucket}/${location.key}`;
}

/**
 * Returns why a bucket name breaks the S3 naming rules for general purpose buckets, or undefined
 * when it follows them. A name has 3 to 63 lowercase letters, digits, dots and hyphens, with a
 * letter or digit at each end. It has no two adjacent dots, is not an IP address, and has none of
 * the prefixes and suffixes that S3 reserves.
 */
export function describeBucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'may contain only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit';
  }
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  const reservedPrefix = ['xn--', 'sthree-', 'amzn-s3-demo-'].find((p) => name.startsWith(p));
  if (reservedPrefix !== undefined) return `must not start with "${reservedPrefix}"`;
  const reservedSuffix = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'].find((s) =>
    name.endsWith(s),
  );
  if (reservedSuffix !== undefined) return `must not end with "${reservedSuffix}"`;
  return undefined;
}

function invalidUri(value: unknown, context: string, rule: string, fix: string): InvalidInputError {
  return invalidField({ context, field: FIELD, valueDescription: describeUri(value), rule, fix });
}

/** Quotes a URI in full up to 300 characters, because a shortened key would hide the problem. */
function describeUri(value: unknown): string {
  if (typeof value === 'string' && value.length <= 300) return JSON.stringify(value);
  return describeValue(value);
}
