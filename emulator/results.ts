import type {
  MessageBatchIndividualResponse,
  MessageBatchResult,
} from '@anthropic-ai/sdk/resources/messages/batches';
import type { Message } from '@anthropic-ai/sdk/resources/messages/messages';

import { randomId } from './ids';
import type { BatchOutcome, StoredRequest } from './lifecycle';

/** Model name in a synthetic message when the request's params.model was not a string. */
const FALLBACK_MODEL = 'claude-emulator';

/** Builds one result line per request item, in request order. */
export function buildResults(
  requests: readonly StoredRequest[],
  outcome: BatchOutcome,
): MessageBatchIndividualResponse[] {
  return requests.map((request) => ({
    custom_id: request.customId,
    result: buildResult(request, outcome),
  }));
}

function buildResult(request: StoredRequest, outcome: BatchOutcome): MessageBatchResult {
  if (outcome === 'succeeded') {
    return { type: 'succeeded', message: syntheticMessage(request) };
  }
  return { type: outcome };
}

/** Builds a short assistant message; the emulator never runs a model. */
function syntheticMessage(request: StoredRequest): Message {
  return {
    id: randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model: request.model ?? FALLBACK_MODEL,
    content: [{ type: 'text', text: `Emulated reply for ${request.customId}.`, citations: null }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: 10,
      output_tokens: 5,
      cache_creation: null,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      inference_geo: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'batch',
      speed: null,
    },
  };
}

/** Serializes results as JSON Lines: one JSON object per line, each line ending in \n. */
export function toJsonLines(results: readonly MessageBatchIndividualResponse[]): string {
  return results.map((line) => `${JSON.stringify(line)}\n`).join('');
}
