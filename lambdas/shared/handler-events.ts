/**
 * Validation of the events that the state machine sends to the cancel, retrieve and delete
 * handlers. A bad event throws `InvalidInputError` before the key is read.
 */
import type { BatchOperation } from './operations';
import { describeValue, invalidField, isAnthropicVersion, isPlainObject } from './input-values';
import { DEFAULT_ANTHROPIC_VERSION } from './validate-input';

/** Event of the cancel and delete handlers. */
export interface BatchIdEvent {
  /** Id of the batch, as returned by createMessageBatch. */
  batchId: string;
  /** Value of the `anthropic-version` header. */
  anthropicVersion: string;
}

/** Event of the retrieve handler. */
export interface PollEvent extends BatchIdEvent {
  /** Number of polls so far, counted by the state machine. */
  pollCount: number;
}

/** Checks `{ batchId, anthropicVersion }` and returns just those fields. */
export function parseBatchIdEvent(event: unknown, operation: BatchOperation): BatchIdEvent {
  const context = `${operation} event`;
  if (!isPlainObject(event)) {
    throw invalidField({
      context,
      field: 'event',
      valueDescription: describeValue(event),
      rule: 'it must be a JSON object',
      fix: 'pass {"batchId": ..., "anthropicVersion": ...} in the Task parameters',
    });
  }
  const { batchId, anthropicVersion } = event;
  if (typeof batchId !== 'string' || batchId === '') {
    throw invalidField({
      context,
      field: 'batchId',
      valueDescription: describeValue(batchId),
      rule: 'it must be a non-empty string',
      fix: 'pass the batch id returned by createMessageBatch',
    });
  }
  if (typeof anthropicVersion !== 'string' || !isAnthropicVersion(anthropicVersion)) {
    throw invalidField({
      context,
      field: 'anthropicVersion',
      valueDescription: describeValue(anthropicVersion),
      rule: 'it must be an anthropic-version date string in the form YYYY-MM-DD',
      fix: `pass the anthropicVersion returned by createMessageBatch, such as "${DEFAULT_ANTHROPIC_VERSION}"`,
    });
  }
  return { batchId, anthropicVersion };
}

/** Checks `{ batchId, anthropicVersion, pollCount }` and returns just those fields. */
export function parsePollEvent(event: unknown, operation: BatchOperation): PollEvent {
  const { batchId, anthropicVersion } = parseBatchIdEvent(event, operation);
  const pollCount = (event as Record<string, unknown>).pollCount;
  if (typeof pollCount !== 'number' || !Number.isInteger(pollCount) || pollCount < 0) {
    throw invalidField({
      context: `${operation} event`,
      field: 'pollCount',
      valueDescription: describeValue(pollCount),
      rule: 'it must be a whole number, 0 or more',
      fix: 'pass the poll counter of the state machine, starting at 0',
    });
  }
  return { batchId, anthropicVersion, pollCount };
}
