/**
 * Published AWS prices that the cost model uses: US East (N. Virginia), on-demand, without free
 * tiers or Savings Plans, read on 2026-12-04. The official pricing pages render their price
 * tables in the browser, so the copies read show the billing rules but not the figures. The
 * figures below come from the secondary sources named with them.
 */

/** Step Functions Standard: USD per state transition ($25.00 per million, retries included). */
export const STANDARD_USD_PER_TRANSITION = 0.025 / 1_000;

/** Step Functions Express: USD per started execution ($1.00 per million requests). */
export const EXPRESS_USD_PER_REQUEST = 1 / 1_000_000;

/** Step Functions Express: USD per GB-second of duration, first tier ($0.06 per GB-hour). */
export const EXPRESS_USD_PER_GB_SECOND = 0.00001667;

/** Express bills memory in 64 MB chunks; the model assumes one chunk for this small workflow. */
export const EXPRESS_BILLED_MEMORY_MB = 64;

/** Express rounds each execution's duration up to this many milliseconds. */
export const EXPRESS_BILLING_STEP_MS = 100;

/** Lambda: USD per request ($0.20 per million, both architectures). */
export const LAMBDA_USD_PER_REQUEST = 0.2 / 1_000_000;

/** Lambda on Arm (Graviton2): USD per GB-second, first 7.5 billion GB-seconds a month. */
export const LAMBDA_ARM_USD_PER_GB_SECOND = 0.0000133334;

/** Lambda rounds each invocation's duration, initialization code included, up to 1 ms. */
export const LAMBDA_BILLING_STEP_MS = 1;

/** Longest Lambda invocation: 900 seconds. */
export const LAMBDA_MAX_SECONDS = 900;

/** Longest Express execution: 5 minutes. */
export const EXPRESS_MAX_SECONDS = 300;

/** Sources of the figures above, for the report. */
export const PRICE_SOURCES: readonly { readonly what: string; readonly url: string }[] = [
  {
    what: 'Standard $25.00 per million transitions, retries billed as transitions; Express $1.00 per million requests, duration rounded up to 100 ms and billed in 64 MB chunks',
    url: 'https://aws.amazon.com/step-functions/pricing/ and https://aws.amazon.com/blogs/compute/building-cost-effective-aws-step-functions-workflows/',
  },
  {
    what: 'Express duration $0.00001667 per GB-second',
    url: 'https://www.wring.co/blog/aws-step-functions-pricing-guide (March 2026)',
  },
  {
    what: 'Lambda Arm $0.0000133334 per GB-second, $0.20 per million requests (US East)',
    url: 'https://cloudchipr.com/blog/aws-lambda-pricing',
  },
  {
    what: 'Lambda duration rounded up to 1 ms, initialization code billed',
    url: 'https://aws.amazon.com/lambda/pricing/',
  },
  {
    what: 'Lambda timeout at most 900 seconds',
    url: 'https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html',
  },
];
