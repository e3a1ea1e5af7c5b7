/**
 * The Anthropic API key: read from Secrets Manager and cached for API_KEY_CACHE_SECONDS, or from
 * a provider that the local runner sets in place of Secrets Manager.
 *
 * Errors and log lines name the secret id or the provider, never the key's value.
 */
import {
  ApiKeyUnavailableError,
  AuthenticationError,
  BatchWorkflowError,
  ConfigurationError,
} from './errors';
import { isPlainObject } from './input-values';
import { logger } from './logger';
import { readApiConfig } from './config';
import { getSecretValue, SecretReadError, type SecretValue } from './secrets-manager';

/** Source of the API key. With `forceRefresh` set, it must read past any cache. */
export type ApiKeyProvider = (options: { forceRefresh: boolean }) => Promise<string>;

/** Seconds that a key read from Secrets Manager stays cached when API_KEY_CACHE_SECONDS is unset. */
export const DEFAULT_API_KEY_CACHE_SECONDS = 300;

/** A key may contain only visible ASCII, because it is sent as a header value. */
const API_KEY_PATTERN = /^[\x21-\x7e]+$/;

let customProvider: ApiKeyProvider | undefined;
let customProviderDescription: string | undefined;

/**
 * Replaces the key source for every handler in this process; `undefined` restores Secrets
 * Manager. The local runner and the tests use it. `description` names the source in errors.
 */
export function setApiKeyProvider(provider?: ApiKeyProvider, description?: string): void {
  customProvider = provider;
  customProviderDescription = description;
}

/** Names the current key source for messages, without its value. */
export function describeApiKeySource(): string {
  if (customProvider !== undefined) {
    return customProviderDescription ?? 'the key provider set with setApiKeyProvider';
  }
  return `Secrets Manager secret "${process.env.API_KEY_SECRET_ID ?? '(API_KEY_SECRET_ID unset)'}"`;
}

/**
 * Reads the API key, from the cache unless `forceRefresh` is set.
 *
 * The secret may contain the key as plain text or as JSON `{"apiKey": "..."}`. Throws
 * `ApiKeyUnavailableError` naming the secret id when the variable is unset or the secret is
 * missing, empty, malformed or not readable.
 */
export async function getApiKey(options: { forceRefresh?: boolean } = {}): Promise<string> {
  const forceRefresh = options.forceRefresh ?? false;
  if (customProvider !== undefined) {
    return checkKeyShape(
      await readFromProvider(customProvider, forceRefresh),
      describeApiKeySource(),
    );
  }
  const secretId = process.env.API_KEY_SECRET_ID;
  if (secretId === undefined || secretId === '') {
    throw new ApiKeyUnavailableError(
      'API_KEY_SECRET_ID is not set; set it to the name or ARN of the Secrets Manager secret that contains the Anthropic API key.',
    );
  }
  const maxAgeSeconds = readCacheSeconds();
  const cached = keyCache.get(secretId);
  if (!forceRefresh && cached !== undefined && cached.expiresAtMs > Date.now()) {
    return cached.apiKey;
  }
  const secretValue = await readSecret(secretId);
  const apiKey = checkKeyShape(extractApiKey(secretValue, secretId), describeApiKeySource());
  // Only a usable key is cached, so that a fixed secret is read again on the next call.
  if (maxAgeSeconds > 0) {
    keyCache.set(secretId, { apiKey, expiresAtMs: Date.now() + maxAgeSeconds * 1000 });
  }
  return apiKey;
}

/**
 * Runs one API call with the key and, after a 401, re-reads the key once past the cache and
 * repeats the call, because the key may have been rotated since it was cached. A second 401
 * throws `AuthenticationError` naming the key source.
 */
export async function withApiKeyRetry<T>(call: (apiKey: string) => Promise<T>): Promise<T> {
  try {
    return await call(await getApiKey());
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    logger.warn('API key rejected with HTTP 401; re-reading it once in case it was rotated', {
      requestId: error.requestId,
    });
  }
  try {
    return await call(await getApiKey({ forceRefresh: true }));
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const message = `${error.message} The key from ${describeApiKeySource()} was rejected again after re-reading it; store a valid, active API key there.`;
    throw new AuthenticationError({ ...error.info(), message }, { cause: error });
  }
}

async function readFromProvider(provider: ApiKeyProvider, forceRefresh: boolean): Promise<string> {
  try {
    return await provider({ forceRefresh });
  } catch (error) {
    if (error instanceof BatchWorkflowError) throw error;
    throw new ApiKeyUnavailableError(
      'Could not read the API key: the key provider set with setApiKeyProvider failed.',
      { cause: error },
    );
  }
}

/** Keys read from Secrets Manager and checked, by secret id, with the time they expire. */
const keyCache = new Map<string, { apiKey: string; expiresAtMs: number }>();

/** Empties the key cache, so that the next read goes to Secrets Manager. */
export function clearApiKeyCache(): void {
  keyCache.clear();
}

/** Attempts of one secret read; the AWS SDKs make 3 by default too. */
const SECRET_READ_ATTEMPTS = 3;
/** A new attempt starts only with at least this much of the read's time left. */
const MIN_ATTEMPT_MS = 500;

/**
 * Reads the secret, trying again after a throttling error, a 5xx or a failed connection, with
 * a short jittered wait, as the AWS SDK client that this replaced did. All attempts share one
 * HTTP_TIMEOUT_MS, so that a read can never use up the Lambda timeout.
 */
async function readSecret(secretId: string): Promise<SecretValue> {
  const deadlineMs = Date.now() + readApiConfig().httpTimeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await getSecretValue(secretId, Math.max(1, deadlineMs - Date.now()));
    } catch (error) {
      const waitMs = Math.random() * 100 * 2 ** attempt;
      const retry =
        error instanceof SecretReadError &&
        error.transient &&
        attempt < SECRET_READ_ATTEMPTS &&
        Date.now() + waitMs < deadlineMs - MIN_ATTEMPT_MS;
      if (!retry) {
        throw new ApiKeyUnavailableError(
          `Could not read the API key: Secrets Manager secret "${secretId}" ${describeReadFailure(error)}.`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

function readCacheSeconds(): number {
  const value = process.env.API_KEY_CACHE_SECONDS;
  if (value === undefined || value === '') return DEFAULT_API_KEY_CACHE_SECONDS;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new ConfigurationError(
      `API_KEY_CACHE_SECONDS is "${value}"; it must be a whole number of seconds, 0 or more.`,
    );
  }
  return seconds;
}

/** AWS error names that mean the signature or the credentials were not accepted. */
const REJECTED_CREDENTIALS =
  /^(UnrecognizedClient|InvalidSignature|IncompleteSignature|MissingAuthenticationToken|ExpiredToken)Exception$/;

/** Explains a failed GetSecretValue by its AWS error name, or what failed before a response. */
function describeReadFailure(error: unknown): string {
  const errorType = error instanceof SecretReadError ? error.errorType : 'unknown error';
  const detail = error instanceof SecretReadError ? `: ${error.message}` : '';
  if (errorType === 'ResourceNotFoundException') {
    return 'does not exist (ResourceNotFoundException); create it or fix API_KEY_SECRET_ID';
  }
  if (errorType === 'AccessDeniedException') {
    return 'could not be read because access was denied (AccessDeniedException); allow secretsmanager:GetSecretValue on it, and kms:Decrypt if a customer managed key encrypts it';
  }
  if (REJECTED_CREDENTIALS.test(errorType)) {
    return `could not be read because Secrets Manager rejected the function's AWS credentials (${errorType}); check the clock and the credentials in the environment`;
  }
  const fix =
    error instanceof SecretReadError && error.configuration
      ? "Lambda sets AWS_REGION and the credentials itself, so check the function's configuration"
      : 'check that it exists and that this function may read it';
  return `could not be read (${errorType}${detail}); ${fix}`;
}

function extractApiKey(secretValue: unknown, secretId: string): string {
  const unavailable = (problem: string): ApiKeyUnavailableError =>
    new ApiKeyUnavailableError(
      `Could not read the API key: Secrets Manager secret "${secretId}" ${problem}.`,
    );
  if (secretValue instanceof Uint8Array) {
    throw unavailable('is binary; store the key as its secret string');
  }
  const text = typeof secretValue === 'string' ? secretValue.trim() : '';
  if (text === '') {
    throw unavailable('is empty; store the API key as its value, or as {"apiKey": "..."}');
  }
  if (!text.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw unavailable(
      'starts with { but is not valid JSON; store {"apiKey": "..."} or the bare key',
    );
  }
  const apiKey = isPlainObject(parsed) ? parsed.apiKey : undefined;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw unavailable('is JSON without a non-empty string field apiKey; store {"apiKey": "..."}');
  }
  return apiKey.trim();
}

/** Checks a key at run time too, because a provider in plain JavaScript may return anything. */
function checkKeyShape(apiKey: unknown, source: string): string {
  if (typeof apiKey !== 'string' || !API_KEY_PATTERN.test(apiKey)) {
    throw new ApiKeyUnavailableError(
      `Could not read the API key: the value from ${source} is empty or contains spaces, line breaks or non-ASCII characters; store only the key.`,
    );
  }
  return apiKey;
}
