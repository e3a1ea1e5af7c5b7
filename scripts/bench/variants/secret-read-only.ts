/**
 * Bench-only handler that reads the API key through the project's key path (Powertools
 * parameters and the AWS SDK client, from Secrets Manager) and calls no API, to show how much
 * of a handler's cold start is the secret read.
 */
import { getApiKey } from '../../../lambdas/shared/api-key';

export const handler = async (): Promise<{ keyRead: boolean }> => ({
  keyRead: (await getApiKey()).length > 0,
});
