import { App, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BatchSweep } from '../lib/batch-sweep';
import { BatchTeardown, type BatchTeardownProps } from '../lib/batch-teardown';
import {
  placeholderFunctionArn,
  resolveDefinition,
  type StateMachineDefinition,
  type TemplateResource,
} from './definition';

/** Resource of the Task state that runs a teardown execution and waits for it to end. */
export const START_EXECUTION_SYNC_RESOURCE = 'arn:aws:states:::states:startExecution.sync:2';

/** The synthesized sweep, with what the local runner needs to stand in for Lambda and Step Functions. */
export interface SynthesizedSweep {
  /** The sweep definition with every ARN resolved to a placeholder ARN. */
  readonly definition: StateMachineDefinition;
  /** Task states that invoke the select function. */
  readonly selectStates: string[];
  /** Task states that start a teardown execution with startExecution.sync:2. */
  readonly teardownStates: string[];
  /** Environment variables the template gives the select function. */
  readonly environment: Record<string, string>;
}

/**
 * Synthesizes the BatchTeardown and BatchSweep constructs as the stack wires them, without
 * bundling, and returns the sweep's state machine definition.
 */
export function synthesizeSweep(
  teardownProps: BatchTeardownProps = {},
  maxConcurrency?: number,
): SynthesizedSweep {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LocalSweep', {
    env: { account: '123456789012', region: 'us-east-1' },
  });

  const teardown = new BatchTeardown(stack, 'Teardown', teardownProps);
  const sweep = new BatchSweep(stack, 'Sweep', {
    teardownStateMachine: teardown.stateMachine,
    teardownTimeout: teardown.executionTimeout,
    apiKeySecret: teardown.apiKeySecret,
    apiBaseUrl: teardownProps.apiBaseUrl,
    logLevel: teardownProps.logLevel,
    maxConcurrency,
  });

  const resources = (
    app.synth().getStackByName(stack.stackName).template as {
      Resources: Record<string, TemplateResource>;
    }
  ).Resources;
  const selectLogicalId = logicalIdOf(stack, sweep.selectFunction);
  const definition = resolveDefinition(resources, logicalIdOf(stack, sweep.stateMachine));

  const taskStates = findTaskStates(definition.States);
  const selectStates = statesWithResource(taskStates, placeholderFunctionArn(selectLogicalId));
  const teardownStates = statesWithResource(taskStates, START_EXECUTION_SYNC_RESOURCE);
  const unknown = [...taskStates.keys()].filter(
    (name) => !selectStates.includes(name) && !teardownStates.includes(name),
  );
  if (unknown.length > 0) {
    throw new Error(
      `Task states ${unknown.join(', ')} call neither the select function nor StartExecution.`,
    );
  }
  return {
    definition,
    selectStates,
    teardownStates,
    environment: environmentOf(resources[selectLogicalId]),
  };
}

function logicalIdOf(stack: Stack, construct: lambda.IFunction | sfn.IStateMachine): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** Task states by name, including those in the item processor of Map states. */
function findTaskStates(
  states: Record<string, Record<string, unknown>>,
): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') {
      found.set(name, state);
    }
    const processor = state.ItemProcessor as StateMachineDefinition | undefined;
    for (const [nestedName, nested] of findTaskStates(processor?.States ?? {})) {
      found.set(nestedName, nested);
    }
  }
  return found;
}

function statesWithResource(
  taskStates: Map<string, Record<string, unknown>>,
  resource: string,
): string[] {
  const names = [...taskStates].filter(([, state]) => state.Resource === resource);
  return names.map(([name]) => name);
}

function environmentOf(fn: TemplateResource | undefined): Record<string, string> {
  const environment = fn?.Properties?.Environment as
    { Variables?: Record<string, unknown> } | undefined;
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(environment?.Variables ?? {})) {
    // The secret ARN is a reference to a resource, and locally the key comes from the runner.
    variables[key] = typeof value === 'string' ? value : `local-${key.toLowerCase()}`;
  }
  return variables;
}
