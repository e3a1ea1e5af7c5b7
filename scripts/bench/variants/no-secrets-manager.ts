/**
 * Bench-only replacement for `@aws-lambda-powertools/parameters/secrets` in bundles whose key
 * comes from setApiKeyProvider, so that they load neither Powertools parameters nor the AWS SDK.
 */
export function getSecret(): Promise<never> {
  return Promise.reject(new Error('This bench bundle has no Secrets Manager client.'));
}
