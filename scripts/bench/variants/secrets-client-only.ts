/**
 * Bench-only handler that loads `@aws-sdk/client-secrets-manager` and does nothing else, to
 * show how much of a handler's cold start is the AWS SDK client's load time.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export const handler = (): Promise<{ clientLoaded: boolean }> =>
  Promise.resolve({ clientLoaded: typeof SecretsManagerClient === 'function' });
