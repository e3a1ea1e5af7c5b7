import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { BatchTeardown, type BatchTeardownProps } from '../../lib/batch-teardown';
import { BatchTeardownStack } from '../../lib/batch-teardown-stack';
import { readAppSettings } from '../../lib/context-settings';
import { applyNagChecks } from '../../lib/nag-acknowledgments';

type Resource = { Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown };

/** Timeout of the tests that synthesize the whole stack with the cdk-nag checks. */
const SYNTH_TIMEOUT_MS = 120_000;

interface Synthesized {
  template: Template;
  createId: string;
  otherIds: string[];
}

function synth(props: (stack: Stack) => BatchTeardownProps): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  const teardown = new BatchTeardown(stack, 'Teardown', props(stack));
  const idOf = (fn: lambda.Function) =>
    stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction);
  const { createMessageBatch, ...others } = teardown.functions.byOperation;
  return {
    template: Template.fromStack(stack),
    createId: idOf(createMessageBatch),
    otherIds: Object.values(others).map(idOf),
  };
}

function functionProperties(template: Template, logicalId: string): Record<string, unknown> {
  const resource = template.findResources('AWS::Lambda::Function')[logicalId] as Resource;
  return resource.Properties;
}

function variables(template: Template, logicalId: string): Record<string, unknown> {
  const environment = functionProperties(template, logicalId).Environment as {
    Variables: Record<string, unknown>;
  };
  return environment.Variables;
}

/** Returns the statements with S3 actions in the policy of the function's role. */
function s3Statements(template: Template, functionId: string): Statement[] {
  const role = functionProperties(template, functionId).Role as { 'Fn::GetAtt': string[] };
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === role['Fn::GetAtt'][0]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s) => [s.Action].flat().some((action) => action.startsWith('s3:')));
}

function bucketArn(suffix = ''): unknown {
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::my-requests${suffix}`]] };
}

describe('BatchTeardown requests bucket', () => {
  const withBucket = synth((stack) => ({
    requestsBucket: s3.Bucket.fromBucketName(stack, 'Requests', 'my-requests'),
    requestsPrefix: 'batches/',
  }));

  it('grants the create function read on exactly the bucket and prefix', () => {
    const statements = s3Statements(withBucket.template, withBucket.createId);

    expect(statements).toHaveLength(1);
    expect([statements[0]?.Action].flat().sort()).toEqual([
      's3:GetBucket*',
      's3:GetObject*',
      's3:List*',
    ]);
    expect(statements[0]?.Resource).toEqual([bucketArn(), bucketArn('/batches/*')]);
  });

  it('grants the other functions no S3 access', () => {
    for (const id of withBucket.otherIds) {
      expect(s3Statements(withBucket.template, id)).toEqual([]);
    }
  });

  it('tells the create function the bucket, prefix and upload timeout', () => {
    expect(variables(withBucket.template, withBucket.createId)).toMatchObject({
      REQUESTS_BUCKET: 'my-requests',
      REQUESTS_PREFIX: 'batches/',
      UPLOAD_TIMEOUT_MS: '400000',
    });
    for (const id of withBucket.otherIds) {
      expect(variables(withBucket.template, id)).not.toHaveProperty('REQUESTS_BUCKET');
    }
  });

  it('gives only the create function 900 s and 512 MB', () => {
    expect(functionProperties(withBucket.template, withBucket.createId)).toMatchObject({
      Timeout: 900,
      MemorySize: 512,
    });
    for (const id of withBucket.otherIds) {
      expect(functionProperties(withBucket.template, id)).toMatchObject({
        Timeout: 30,
        MemorySize: 256,
      });
    }
  });

  it('defaults the prefix to the whole bucket', () => {
    const whole = synth((stack) => ({
      requestsBucket: s3.Bucket.fromBucketName(stack, 'Requests', 'my-requests'),
    }));

    expect(variables(whole.template, whole.createId).REQUESTS_PREFIX).toBe('');
    expect(s3Statements(whole.template, whole.createId)[0]?.Resource).toEqual([
      bucketArn(),
      bucketArn('/*'),
    ]);
  });

  it('sets nothing without a bucket', () => {
    const without = synth(() => ({}));

    expect(variables(without.template, without.createId)).not.toHaveProperty('REQUESTS_BUCKET');
    expect(s3Statements(without.template, without.createId)).toEqual([]);
    expect(functionProperties(without.template, without.createId)).toMatchObject({
      Timeout: 30,
      MemorySize: 256,
    });
  });

  it.each([
    {
      case: 'a prefix without a bucket',
      prefix: 'batches/',
      bucket: false,
      message: /set requestsBucket too/,
    },
    {
      case: 'a prefix with *',
      prefix: 'batches/*',
      bucket: true,
      message: /must not contain \* or \?/,
    },
  ])('rejects $case', ({ prefix, bucket, message }) => {
    expect(() =>
      synth((stack) => ({
        requestsBucket: bucket
          ? s3.Bucket.fromBucketName(stack, 'Requests', 'my-requests')
          : undefined,
        requestsPrefix: prefix,
      })),
    ).toThrow(message);
  });
});

/** Returns the cdk.json context, so feature flags match `cdk synth`, with bundling off. */
function appContext(extra: Record<string, unknown>): Record<string, unknown> {
  const cdkJson = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
  ) as { context: Record<string, unknown> };
  return { ...cdkJson.context, ...extra, 'aws:cdk:bundling-stacks': [] };
}

function checkedApp(extra: Record<string, unknown>): { app: App; stack: BatchTeardownStack } {
  const app = new App({ context: appContext(extra) });
  applyNagChecks(app);
  const stack = new BatchTeardownStack(app, 'ClaudeBatchTeardown', {
    settings: readAppSettings(app.node),
  });
  return { app, stack };
}

describe('BatchTeardownStack requests bucket context', () => {
  const context = { requestsBucketName: 'my-requests', requestsPrefix: 'batches/' };

  it(
    'passes the cdk-nag checks with a requests bucket',
    () => {
      const { app } = checkedApp(context);

      expect(() => app.synth()).not.toThrow();
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'wires requestsBucketName and requestsPrefix to the create function',
    () => {
      const { stack } = checkedApp(context);
      const create = stack.teardown.functions.byOperation.createMessageBatch;
      const logicalId = stack.getLogicalId(create.node.defaultChild as lambda.CfnFunction);

      expect(variables(Template.fromStack(stack), logicalId)).toMatchObject({
        REQUESTS_BUCKET: 'my-requests',
        REQUESTS_PREFIX: 'batches/',
      });
    },
    SYNTH_TIMEOUT_MS,
  );

  it('rejects an invalid requestsBucketName', () => {
    expect(() => checkedApp({ requestsBucketName: 'My_Bucket' })).toThrow(
      /Context requestsBucketName is invalid/,
    );
  });
});
