import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';

/** The bucket and key prefix that `requestsS3Uri` inputs may name. */
export interface RequestsBucketSettings {
  readonly bucket: s3.IBucket;
  /** Key prefix, such as `batches/`; empty allows every object of the bucket. */
  readonly prefix: string;
}

/**
 * Timeout of one create whose body streams from S3, in milliseconds: the whole upload and the
 * response. 256 MB, the API's largest create body, in 400 s needs an upload rate of 0.64 MB/s.
 */
export const UPLOAD_TIMEOUT_MS = 400_000;

/**
 * Lambda timeout of the create function when S3 input is enabled: the 15 minute maximum. It
 * fits two uploads of UPLOAD_TIMEOUT_MS (a 401 repeats the create with a re-read key), the
 * secret reads and the list call after an ambiguous failure, bounded by HTTP_TIMEOUT_MS.
 */
export const S3_CREATE_LAMBDA_TIMEOUT = Duration.minutes(15);

/**
 * Memory of the create function when S3 input is enabled, in MB. The handler keeps one request
 * at a time, but the largest one the API accepts (32 MB) is kept in several forms while it is
 * checked: scripts/large-submit.ts measured a peak RSS of 309 MiB for a 32 MB request and
 * 124 MiB for 100,000 small ones (2-core AMD EPYC, Node.js 20; the Lambda runtime may differ).
 */
export const S3_CREATE_MEMORY_MB = 512;

/**
 * Checks the requestsBucket and requestsPrefix props and returns them together, or undefined
 * when S3 input is not enabled.
 */
export function readRequestsBucketProps(
  bucket: s3.IBucket | undefined,
  prefix: string | undefined,
): RequestsBucketSettings | undefined {
  if (bucket === undefined) {
    if (prefix !== undefined) {
      throw new Error(
        `requestsPrefix is "${prefix}" but requestsBucket is not set; set requestsBucket too, or remove requestsPrefix.`,
      );
    }
    return undefined;
  }
  const keyPrefix = prefix ?? '';
  if (/[*?]/.test(keyPrefix)) {
    throw new Error(
      `requestsPrefix is "${keyPrefix}"; it must not contain * or ?, which IAM reads as wildcards and which would widen the read grant.`,
    );
  }
  return { bucket, prefix: keyPrefix };
}

/**
 * Lets the create function read the objects under the prefix (`bucket.grantRead`, which also
 * allows listing the bucket and reading its settings), and sets REQUESTS_BUCKET, REQUESTS_PREFIX
 * and UPLOAD_TIMEOUT_MS on it.
 */
export function allowRequestsBucket(fn: lambda.Function, settings: RequestsBucketSettings): void {
  settings.bucket.grantRead(fn, `${settings.prefix}*`);
  fn.addEnvironment('REQUESTS_BUCKET', settings.bucket.bucketName);
  fn.addEnvironment('REQUESTS_PREFIX', settings.prefix);
  fn.addEnvironment('UPLOAD_TIMEOUT_MS', String(UPLOAD_TIMEOUT_MS));
}
