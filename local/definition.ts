import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BATCH_OPERATIONS, type BatchOperation } from '../lib/batch-functions';
import { BatchTeardown, type BatchTeardownProps } from '../lib/batch-teardown';

/** An Amazon States Language definition as JSON. */
export interface StateMachineDefinition {
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

/** The synthesized workflow, with what the local runner needs to stand in for Lambda. */
export interface SynthesizedTeardown {
  /** The definition with every function ARN resolved to a placeholder ARN. */
  readonly definition: StateMachineDefinition;
  /** Operation behind each Task state, by state name. */
  readonly operationByState: Record<string, BatchOperation>;
  /**
   * Environment variables the template gives the functions, merged: the four share them, and
   * only the create function has the REQUESTS_* and UPLOAD_TIMEOUT_MS ones.
   */
  readonly environment: Record<string, string>;
}

/** The requests bucket of a local run, standing in for the construct's requestsBucket prop. */
export interface LocalRequestsBucket {
  readonly bucketName: string;
  /** Key prefix; empty or absent allows every object. */
  readonly prefix?: string;
}

/** A resource of the synthesized template. */
export type TemplateResource = { Type: string; Properties?: Record<string, unknown> };

/**
 * Synthesizes the BatchTeardown construct without bundling and returns its state machine
 * definition, so the local runner executes the same states that `cdk deploy` would create.
 */
export function synthesizeTeardown(
  props: BatchTeardownProps = {},
  requestsBucket?: LocalRequestsBucket,
): SynthesizedTeardown {
  // An empty bundling-stacks list makes NodejsFunction skip esbuild, which the runner does not need.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'LocalTeardown', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  const teardown = new BatchTeardown(stack, 'Teardown', {
    ...props,
    ...(requestsBucket === undefined
      ? {}
      : {
          requestsBucket: s3.Bucket.fromBucketName(stack, 'Requests', requestsBucket.bucketName),
          requestsPrefix: requestsBucket.prefix,
        }),
  });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<string, TemplateResource>;
  };

  const operationByLogicalId = new Map<string, BatchOperation>();
  for (const operation of BATCH_OPERATIONS) {
    const fn = teardown.functions.byOperation[operation];
    operationByLogicalId.set(stack.getLogicalId(fn.node.defaultChild as never), operation);
  }
  const definition = resolveDefinition(template.Resources);
  return {
    definition,
    operationByState: mapTaskStates(definition, operationByLogicalId),
    environment: functionEnvironment(template.Resources, operationByLogicalId),
  };
}

/** Placeholder ARN of a function in the synthesized template. */
export function placeholderFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`;
}

/** Placeholder ARN of a state machine in the synthesized template. */
export function placeholderStateMachineArn(logicalId: string): string {
  return `arn:aws:states:us-east-1:123456789012:stateMachine:${logicalId}`;
}

/**
 * Returns the definition of the state machine with the given logical id, or of the first state
 * machine in the template, with every intrinsic function resolved.
 */
export function resolveDefinition(
  resources: Record<string, TemplateResource>,
  logicalId?: string,
): StateMachineDefinition {
  const machine =
    logicalId === undefined
      ? Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')
      : resources[logicalId];
  const body = machine?.Properties?.DefinitionString;
  if (body === undefined) {
    throw new Error('The synthesized template has no AWS::StepFunctions::StateMachine definition.');
  }
  return JSON.parse(resolveIntrinsic(body)) as StateMachineDefinition;
}

/** Resolves the Fn::Join, Fn::GetAtt and Ref that CDK writes into DefinitionString. */
function resolveIntrinsic(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const node = value as Record<string, unknown>;
  if (node.Ref === 'AWS::Partition') {
    return 'aws';
  }
  if (typeof node.Ref === 'string') {
    // The only resources a definition refers to by Ref are other state machines.
    return placeholderStateMachineArn(node.Ref);
  }
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveIntrinsic).join(separator);
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [logicalId] = node['Fn::GetAtt'] as [string, string];
    return placeholderFunctionArn(logicalId);
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in the state machine definition.`);
}

function mapTaskStates(
  definition: StateMachineDefinition,
  operationByLogicalId: Map<string, BatchOperation>,
): Record<string, BatchOperation> {
  const byState: Record<string, BatchOperation> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') {
      continue;
    }
    const resource = String(state.Resource);
    const logicalId = resource.slice(resource.lastIndexOf(':') + 1);
    const operation = operationByLogicalId.get(logicalId);
    if (operation === undefined) {
      throw new Error(`Task state ${name} calls ${resource}, which is none of the batch handlers.`);
    }
    byState[name] = operation;
  }
  return byState;
}

function functionEnvironment(
  resources: Record<string, TemplateResource>,
  operationByLogicalId: Map<string, BatchOperation>,
): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const logicalId of operationByLogicalId.keys()) {
    const environment = resources[logicalId]?.Properties?.Environment as
      { Variables?: Record<string, unknown> } | undefined;
    for (const [key, value] of Object.entries(environment?.Variables ?? {})) {
      // The secret ARN is a reference to a resource; locally the key comes from elsewhere.
      variables[key] = typeof value === 'string' ? value : `local-${key.toLowerCase()}`;
    }
  }
  return variables;
}
