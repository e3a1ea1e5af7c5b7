/**
 * Bench-only handler that reads the API key through the handlers' own path (a signed
 * GetSecretValue over node:http to the local Secrets Manager stand-in) and calls no API, to show
 * how much of a handler's cold start is the secret read.
 */
import { getApiKey } from '../../../lambdas/shared/api-key';

export const handler = async (): Promise<{ keyRead: boolean }> => ({
  keyRead: (await getApiKey()).length > 0,
});
