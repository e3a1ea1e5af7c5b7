/**
 * Shared part of the bench-only handler variants that call the Message Batches API through the
 * official Anthropic TypeScript SDK client instead of the project's fetch client. Everything
 * else (key source, logger, Lambda boundary, result shape) is the project's own code, so the
 * bundles differ only by the HTTP client.
 */
import Anthropic from '@anthropic-ai/sdk';
import { type BatchSummary, toBatchSummary } from '../../../lambdas/shared/batch-summary';
import { readApiConfig } from '../../../lambdas/shared/config';

const clients = new Map<string, Anthropic>();

/** Returns an SDK client for the key and version, reused across warm calls like a real handler. */
export function sdkClient(apiKey: string, anthropicVersion: string): Anthropic {
  const cacheKey = `${anthropicVersion}\n${apiKey}`;
  const cached = clients.get(cacheKey);
  if (cached !== undefined) return cached;
  const config = readApiConfig();
  const client = new Anthropic({
    apiKey,
    baseURL: config.baseUrl,
    timeout: config.httpTimeoutMs,
    // One attempt per call, as the project's client makes: the state machine owns retries.
    maxRetries: 0,
    defaultHeaders: { 'anthropic-version': anthropicVersion },
  });
  clients.set(cacheKey, client);
  return client;
}

/** Copies the summary fields out of a MessageBatch returned by the SDK. */
export function summarizeSdkBatch(batch: unknown): BatchSummary {
  const summary = toBatchSummary(batch);
  if ('problem' in summary) {
    throw new Error(`The SDK returned a body that is not a MessageBatch: ${summary.problem}.`);
  }
  return summary;
}
