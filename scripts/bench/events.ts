/** Events that the benchmark sends to the handlers, shaped as the state machine sends them. */
import type { StateMachineDefinition, SynthesizedTeardown } from '../../local/definition';

/** One item of a batch create request. */
export interface BenchRequest {
  custom_id: string;
  params: { model: string; max_tokens: number; messages: { role: string; content: string }[] };
}

/** Builds `count` small batch requests, about 110 bytes each as JSON. */
export function batchRequests(count: number): BenchRequest[] {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `req-${index}`,
    params: {
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Say hello.' }],
    },
  }));
}

/** Event of the cancel and delete handlers. */
export function batchIdEvent(batchId: string): Record<string, unknown> {
  return { batchId, anthropicVersion: '2023-06-01' };
}

/** Event of the retrieve handler. */
export function pollEvent(batchId: string, pollCount: number): Record<string, unknown> {
  return { ...batchIdEvent(batchId), pollCount };
}

/**
 * Builds the create handler's event for an execution input by applying the Parameters of the
 * synthesized submit Task state, so the event follows the definition whichever shape it uses
 * (the bare input, or `{"executionInput.$": "$$.Execution.Input"}`).
 */
export function submitEvent(synthesized: SynthesizedTeardown, input: unknown): unknown {
  const state = submitState(synthesized);
  if (state.InputPath !== undefined && state.InputPath !== '$') {
    const inputPath = JSON.stringify(state.InputPath);
    throw new Error(`The submit state has InputPath ${inputPath}, which the bench does not apply.`);
  }
  return state.Parameters === undefined ? input : applyParameters(state.Parameters, input);
}

function submitState(synthesized: SynthesizedTeardown): StateMachineDefinition['States'][string] {
  const entry = Object.entries(synthesized.operationByState).find(
    ([, operation]) => operation === 'createMessageBatch',
  );
  const state = entry === undefined ? undefined : synthesized.definition.States[entry[0]];
  if (state === undefined) {
    throw new Error('The synthesized definition has no Task state that calls createMessageBatch.');
  }
  return state;
}

/** Applies a Parameters template whose paths read the execution input or the state input. */
function applyParameters(template: unknown, input: unknown): unknown {
  if (typeof template !== 'object' || template === null || Array.isArray(template)) {
    return template;
  }
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      result[key.slice(0, -2)] = readPath(String(value), input);
    } else {
      result[key] = applyParameters(value, input);
    }
  }
  return result;
}

function readPath(jsonPath: string, input: unknown): unknown {
  const prefix = ['$$.Execution.Input', '$'].find(
    (root) => jsonPath === root || jsonPath.startsWith(`${root}.`),
  );
  if (prefix === undefined) {
    throw new Error(
      `The submit state's Parameters use ${jsonPath}, which the bench does not resolve.`,
    );
  }
  const fields = jsonPath.slice(prefix.length).split('.').filter(Boolean);
  return fields.reduce<unknown>(
    (node, field) => (node as Record<string, unknown> | undefined)?.[field],
    input,
  );
}
