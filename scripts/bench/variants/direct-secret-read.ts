/**
 * Bench-only stand-in for `getSecret` of `@aws-lambda-powertools/parameters/secrets`, with the
 * subset that lambdas/shared/api-key.ts uses (`maxAge` in seconds, `forceFetch`). It calls
 * GetSecretValue through the AWS SDK client that the Lambda runtime provides, so a bundle built
 * with it shows what dropping Powertools parameters would save.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let client: SecretsManagerClient | undefined;
const cache = new Map<string, { value: string | Uint8Array | undefined; expiresAtMs: number }>();

/** Reads a secret's value, from the cache while it is younger than `maxAge` seconds. */
export async function getSecret(
  secretId: string,
  options: { maxAge?: number; forceFetch?: boolean } = {},
): Promise<string | Uint8Array | undefined> {
  const cached = cache.get(secretId);
  if (cached !== undefined && !options.forceFetch && cached.expiresAtMs > Date.now()) {
    return cached.value;
  }
  client ??= new SecretsManagerClient({});
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const value = response.SecretString ?? response.SecretBinary;
  cache.set(secretId, { value, expiresAtMs: Date.now() + (options.maxAge ?? 5) * 1000 });
  return value;
}
