import { type App, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { BatchTeardown } from './batch-teardown';
import type { BatchTeardownStack } from './batch-teardown-stack';

/**
 * Registers the cdk-nag AwsSolutions checks on the app. A finding that no acknowledgment in
 * this file covers makes `app.synth()`, and so `cdk synth`, fail.
 */
export function applyNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * Acknowledges the AwsSolutions findings that the stack keeps on purpose, each on the construct
 * that causes it, so the same finding anywhere else still fails the synth.
 */
export function acknowledgeNagFindings(stack: BatchTeardownStack): void {
  const { teardown } = stack;
  if (teardown.createdSecret) {
    acknowledge(
      teardown.apiKeySecret,
      'AwsSolutions-SMG4',
      'Rotating the secret needs a new Anthropic API key, and the Anthropic Admin API can list, ' +
        'get and update API keys but has no endpoint that creates one, so a rotation Lambda ' +
        'cannot produce a key. Rotate it by hand with a key created in the Claude Console.',
    );
  }
  const functions = Object.values(teardown.functions.byOperation);
  for (const fn of functions) {
    acknowledgeFunction(fn);
  }
  acknowledgeStateMachineRole(teardown.stateMachine.role, functions);
  acknowledgeRequestsBucket(teardown);
  acknowledgeSweep(stack);
  acknowledge(
    teardown.stateMachine,
    'AwsSolutions-SF1',
    'The state machine logs at ERROR level on purpose, because a Standard execution already ' +
      'records every event in its execution history and ALL would copy about 9 events per poll ' +
      'cycle to CloudWatch Logs. Execution data stays excluded because the input contains prompts.',
  );
}

function acknowledgeFunction(fn: lambda.Function): void {
  // NOTE: nodejs26.x is a Lambda preview runtime as of aws-cdk-lib 2.278. Once it is generally
  // available, move the handlers to it and drop this acknowledgment.
  acknowledge(
    fn,
    'AwsSolutions-L1',
    'L1 compares the runtime with the newest Node.js runtime that aws-cdk-lib lists, ' +
      'nodejs26.x, which Lambda offers only as a public preview not meant for production. ' +
      'nodejs24.x is the newest generally available one.',
  );
  acknowledge(
    requireRole(fn),
    'AwsSolutions-IAM5[Resource::*]',
    'The only statement on Resource * allows xray:PutTraceSegments and ' +
      'xray:PutTelemetryRecords, which active tracing needs and which have no resource-level ' +
      'permissions in IAM.',
  );
}

function acknowledgeStateMachineRole(role: iam.IRole, functions: lambda.Function[]): void {
  acknowledge(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'Resource * covers the CloudWatch Logs delivery actions (logs:CreateLogDelivery to ' +
      'logs:DescribeLogGroups) that the CDK StateMachine grants for logging, as in the Step ' +
      'Functions logging policy, and the X-Ray actions for tracing, which have no ' +
      'resource-level permissions.',
  );
  for (const fn of functions) {
    const logicalId = Stack.of(fn).getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      'LambdaInvoke grants lambda:InvokeFunction on the function ARN and on ARN:*, which ' +
        'matches the versions and aliases of this one function only. The state machine ' +
        'invokes the unqualified ARN.',
    );
  }
}

/** Acknowledges the wildcards of `bucket.grantRead(fn, prefix + '*')` when S3 input is enabled. */
function acknowledgeRequestsBucket(teardown: BatchTeardown): void {
  const settings = teardown.requestsBucket;
  if (settings === undefined) return;
  const role = requireRole(teardown.functions.byOperation.createMessageBatch);
  const objects = `arn:<AWS::Partition>:s3:::${settings.bucket.bucketName}/${settings.prefix}*`;
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${objects}]`,
    'The trailing * matches the objects under the requests prefix, which is the set of objects ' +
      'that a requestsS3Uri input may name; the function reads only the one object an input names.',
  );
  acknowledge(
    role,
    'AwsSolutions-IAM5[Action::s3:GetObject*]',
    'bucket.grantRead allows s3:GetObject* (the object and its ACL, tags, attributes and ' +
      'versions), on the objects under the requests prefix only.',
  );
  acknowledge(
    role,
    'AwsSolutions-IAM5[Action::s3:GetBucket*]',
    'bucket.grantRead allows s3:GetBucket* (bucket settings such as location and versioning) ' +
      'on the requests bucket only; no bucket setting is secret.',
  );
  acknowledge(
    role,
    'AwsSolutions-IAM5[Action::s3:List*]',
    'bucket.grantRead allows s3:List* on the requests bucket only. With s3:ListBucket, S3 ' +
      'answers a GetObject for a missing key with 404 NoSuchKey instead of 403, so the function ' +
      'can report that the object does not exist.',
  );
}

function acknowledgeSweep({ sweep, teardown, cleanupSchedule }: BatchTeardownStack): void {
  acknowledgeFunction(sweep.selectFunction);
  acknowledgeStateMachineRole(sweep.stateMachine.role, [sweep.selectFunction]);
  acknowledge(
    sweep.stateMachine.role,
    `AwsSolutions-IAM5[Resource::${teardownExecutionsResource(teardown.stateMachine)}]`,
    'StepFunctionsStartExecution with the RUN_JOB pattern (startExecution.sync:2) allows ' +
      'states:DescribeExecution and states:StopExecution on execution:<teardown name>*, the ' +
      'executions of the teardown state machine only, whose names are generated at start.',
  );
  if (cleanupSchedule !== undefined) {
    acknowledge(
      cleanupSchedule.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the cleanup schedule (EventBridge Scheduler). ' +
        'SQS3 counts a queue as a dead-letter queue only when a redrive policy of another SQS ' +
        'queue names it, which a schedule does not have.',
    );
  }
}

/**
 * Returns the execution ARN pattern that cdk-nag prints for the RUN_JOB grant. The state machine
 * name is the seventh field of its ARN, which CDK reads with Fn::Select and Fn::Split. Region and
 * account are literal only in a stack with an explicit environment.
 */
function teardownExecutionsResource(stateMachine: sfn.StateMachine): string {
  const stack = Stack.of(stateMachine);
  const logicalId = stack.getLogicalId(stateMachine.node.defaultChild as sfn.CfnStateMachine);
  const name = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: logicalId }] }] });
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:states:${region}:${account}:execution:${name}*`;
}

function requireRole(fn: lambda.Function): iam.IRole {
  if (fn.role === undefined) {
    throw new Error(
      `Function ${fn.node.path} has no execution role, which BatchFunctions always creates.`,
    );
  }
  return fn.role;
}

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}
