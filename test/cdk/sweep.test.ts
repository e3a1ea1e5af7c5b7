import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { BatchSweep, sweepTimeout } from '../../lib/batch-sweep';
import { executionTimeout } from '../../lib/batch-teardown';
import { BatchTeardownStack } from '../../lib/batch-teardown-stack';
import { readAppSettings } from '../../lib/context-settings';
import { type StateMachineDefinition } from '../../local/definition';
import { synthesizeSweep } from '../../local/sweep-definition';

type Json = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The first synth in a jest worker loads most of aws-cdk-lib and can take over 15 s. */
const SYNTH_TIMEOUT_MS = 120_000;

/** Synthesizes the stack as bin/app.ts does, from context, without bundling. */
function synthStack(context: Json = {}): { stack: BatchTeardownStack; template: Template } {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new BatchTeardownStack(app, 'ClaudeBatchTeardown', {
    settings: readAppSettings(app.node),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** Logical id of the CloudFormation resource behind a construct, such as a role or a function. */
function logicalId(stack: Stack, construct: IConstruct | undefined): string {
  return stack.getLogicalId(construct?.node.defaultChild as never);
}

/** Statements of the default policy of the role with the given logical id. */
function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .filter((p) => p.Properties.Roles.some((role) => role.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((s) => [s.Action].flat());
}

describe('sweep state machine definition', () => {
  let definition: StateMachineDefinition;
  let states: Record<string, Json>;

  beforeAll(() => {
    definition = synthesizeSweep().definition;
    states = definition.States;
  }, SYNTH_TIMEOUT_MS);

  it('starts with selectBatches and branches on dryRun', () => {
    expect(definition.StartAt).toBe('selectBatches');
    expect(states.selectBatches?.Next).toBe('isDryRun');
    expect(states.isDryRun).toMatchObject({
      Choices: [{ Variable: '$.selection.dryRun', BooleanEquals: true, Next: 'dryRunComplete' }],
      Default: 'tearDownBatches',
    });
    expect(states.dryRunComplete).toMatchObject({ Type: 'Succeed', OutputPath: '$.selection' });
  });

  it('retries selectBatches on transient and Lambda errors', () => {
    const retry = states.selectBatches?.Retry as { ErrorEquals: string[] }[];
    const retried = retry.flatMap((r) => r.ErrorEquals);
    expect(retried).toEqual(
      expect.arrayContaining(['ServerError', 'NetworkError', 'Lambda.Unknown', 'RateLimited']),
    );
  });

  it('maps over the selection with a bounded concurrency', () => {
    expect(states.tearDownBatches).toMatchObject({
      Type: 'Map',
      ItemsPath: '$.selection.selected',
      MaxConcurrency: 5,
      ResultPath: '$.outcomes',
      Next: 'summarizeSweep',
    });
  });

  it('uses the maxConcurrency prop', () => {
    const custom = synthesizeSweep({}, 2).definition.States.tearDownBatches;
    expect(custom?.MaxConcurrency).toBe(2);
  });

  it('runs the teardown with startExecution.sync:2 and a batchId input', () => {
    const processor = states.tearDownBatches?.ItemProcessor as { States: Record<string, Json> };
    const task = processor.States.tearDownBatch;
    expect(task).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: {
        Input: { 'batchId.$': '$.batchId', 'anthropicVersion.$': '$.anthropicVersion' },
        StateMachineArn: expect.stringContaining(':stateMachine:TeardownStateMachine'),
      },
      Next: 'recordDeleted',
    });
    expect(task?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'recordFailure' },
    ]);
  });

  it('records each outcome with the batch id', () => {
    const processor = states.tearDownBatches?.ItemProcessor as { States: Record<string, Json> };
    expect(processor.States.recordDeleted?.Parameters).toMatchObject({
      'batchId.$': '$.batchId',
      outcome: 'deleted',
    });
    expect(processor.States.recordFailure?.Parameters).toMatchObject({
      'batchId.$': '$.batchId',
      outcome: 'failed',
      'error.$': '$.error',
    });
  });

  it('waits for each teardown a little longer than its own timeout', () => {
    const processor = states.tearDownBatches?.ItemProcessor as { States: Record<string, Json> };
    const teardownSeconds = executionTimeout(Duration.seconds(15), 240).toSeconds();
    expect(processor.States.tearDownBatch?.TimeoutSeconds).toBeGreaterThan(teardownSeconds);
  });

  it('ends with a summary from the select function', () => {
    expect(states.summarizeSweep).toMatchObject({
      Type: 'Task',
      Parameters: { 'selection.$': '$.selection', 'outcomes.$': '$.outcomes' },
      End: true,
    });
  });

  it('sets an execution timeout that covers the largest selection', () => {
    const teardownTimeout = executionTimeout(Duration.seconds(15), 240);
    expect(definition.TimeoutSeconds).toBe(sweepTimeout(teardownTimeout, 5).toSeconds());
    expect(definition.TimeoutSeconds).toBeGreaterThan(20 * teardownTimeout.toSeconds());
  });

  it.each([0, 21, 1.5])('rejects maxConcurrency %p', (maxConcurrency) => {
    const stack = new Stack(new App(), 'Invalid');
    const teardownStateMachine = sfn.StateMachine.fromStateMachineName(stack, 'T', 'teardown');
    const apiKeySecret = secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'key');
    expect(
      () => new BatchSweep(stack, 'Sweep', { teardownStateMachine, apiKeySecret, maxConcurrency }),
    ).toThrow(/maxConcurrency is .*from 1 to 20/);
  });
});

describe('sweep permissions', () => {
  let stack: BatchTeardownStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthStack());
  }, SYNTH_TIMEOUT_MS);

  it('lets the sweep start only the teardown state machine', () => {
    const role = stack.sweep.stateMachine.role;
    const statements = roleStatements(template, logicalId(stack, role));
    const starts = statements.filter((s) => actionsOf([s]).includes('states:StartExecution'));
    expect(starts).toHaveLength(1);
    expect(starts[0]?.Resource).toEqual({ Ref: logicalId(stack, stack.teardown.stateMachine) });
  });

  it('lets the sweep read and stop only teardown executions', () => {
    const role = stack.sweep.stateMachine.role;
    const statements = roleStatements(template, logicalId(stack, role));
    const describe = statements.filter((s) => actionsOf([s]).includes('states:DescribeExecution'));
    expect(describe).toHaveLength(1);
    expect(JSON.stringify(describe[0]?.Resource)).toContain(
      `"Ref":"${logicalId(stack, stack.teardown.stateMachine)}"`,
    );
    const other = actionsOf(statements).filter(
      (a) =>
        a.startsWith('states:') &&
        !['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution'].includes(a),
    );
    expect(other).toEqual([]);
  });

  it('lets the select function read only the key secret', () => {
    const role = stack.sweep.selectFunction.role;
    const statements = roleStatements(template, logicalId(stack, role));
    const secretStatements = statements.filter((s) =>
      actionsOf([s]).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secretStatements).toHaveLength(1);
    expect(secretStatements[0]?.Resource).toEqual({ Ref: expect.stringMatching(/ApiKey/) });
    const allowed = ['secretsmanager:', 'xray:', 'logs:'];
    expect(actionsOf(statements).every((a) => allowed.some((p) => a.startsWith(p)))).toBe(true);
  });

  it('gives the select function a 2-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 120,
      Environment: {
        Variables: Match.objectLike({ SERVICE_NAME: 'claude-batch-teardown' }),
      },
    });
  });

  it('logs the sweep at ALL level without execution data', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('cleanup schedule', () => {
  it('is absent without cleanupSchedule context', () => {
    const { template } = synthStack();
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
  });

  describe('with cleanupSchedule context', () => {
    let stack: BatchTeardownStack;
    let template: Template;

    beforeAll(() => {
      ({ stack, template } = synthStack({
        cleanupSchedule: 'rate(1 day)',
        cleanupInput: '{"dryRun": true, "maxBatches": 10}',
      }));
    }, SYNTH_TIMEOUT_MS);

    it('starts the sweep with retries and a dead-letter queue', () => {
      const queueId = logicalId(stack, stack.cleanupSchedule!.deadLetterQueue);
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 day)',
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: { Ref: logicalId(stack, stack.sweep.stateMachine) },
          RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      });
    });

    it('sends the validated input with the defaults filled in', () => {
      const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule')) as {
        Properties: { Target: { Input: string } };
      }[];
      expect(JSON.parse(schedules[0]?.Properties.Target.Input ?? '')).toEqual({
        olderThanHours: 696,
        processingStatus: ['ended'],
        maxBatches: 10,
        dryRun: true,
        anthropicVersion: '2023-06-01',
      });
    });

    it('encrypts the dead-letter queue and requires TLS', () => {
      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('lets the schedule role start only the sweep', () => {
      const roleArn = (
        Object.values(template.findResources('AWS::Scheduler::Schedule'))[0] as {
          Properties: { Target: { RoleArn: { 'Fn::GetAtt': string[] } } };
        }
      ).Properties.Target.RoleArn;
      const statements = roleStatements(template, roleArn['Fn::GetAtt'][0] ?? '');
      const starts = statements.filter((s) => actionsOf([s]).includes('states:StartExecution'));
      expect(starts).toHaveLength(1);
      expect(starts[0]?.Resource).toEqual({ Ref: logicalId(stack, stack.sweep.stateMachine) });
      const allowed = ['states:StartExecution', 'sqs:SendMessage'];
      expect(actionsOf(statements).every((a) => allowed.includes(a))).toBe(true);
    });

    it('alarms on messages in the dead-letter queue', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
      });
    });
  });

  it.each([
    { context: { cleanupSchedule: 'daily' }, message: /cleanupSchedule is "daily"; use rate/ },
    { context: { cleanupSchedule: 'rate(30 minutes)' }, message: /at least rate\(1 hour\)/ },
    { context: { cleanupSchedule: 'rate(1 days)' }, message: /singular unit for 1/ },
    { context: { cleanupSchedule: 'cron(0 3 * * ?)' }, message: /six fields/ },
    {
      context: { cleanupSchedule: 'rate(1 day)', cleanupInput: '{dryRun: true}' },
      message: /cleanupInput is not valid JSON/,
    },
    {
      context: { cleanupSchedule: 'rate(1 day)', cleanupInput: { maxBatches: 500 } },
      message: /cleanupInput is invalid. Invalid sweep input: maxBatches is 500/,
    },
    {
      context: { cleanupInput: { dryRun: true } },
      message: /sets cleanupInput but not cleanupSchedule/,
    },
    { context: { alarmEmail: 'ops' }, message: /alarmEmail is "ops"; it must be an email address/ },
  ])('rejects context $context', ({ context, message }) => {
    expect(() => readAppSettings(new App({ context }).node)).toThrow(message);
  });

  it.each(['rate(1 hour)', 'rate(12 hours)', 'rate(2 days)', 'cron(0 3 * * ? *)'])(
    'accepts cleanupSchedule %s',
    (cleanupSchedule) => {
      const settings = readAppSettings(new App({ context: { cleanupSchedule } }).node);
      expect(settings.cleanupSchedule).toBe(cleanupSchedule);
      expect(settings.cleanupInput?.processingStatus).toEqual(['ended']);
    },
  );
});

describe('alarms', () => {
  let stack: BatchTeardownStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthStack());
  }, SYNTH_TIMEOUT_MS);

  function alarmsOn(metricName: string): Json[] {
    return Object.values(
      template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: metricName } }),
    ).map((alarm) => (alarm as { Properties: Json }).Properties);
  }

  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])(
    'watch %s of both state machines',
    (metric) => {
      const watched = alarmsOn(metric).map((alarm) => JSON.stringify(alarm.Dimensions));
      expect(watched).toHaveLength(2);
      for (const stateMachine of [stack.teardown.stateMachine, stack.sweep.stateMachine]) {
        expect(watched.some((d) => d.includes(`"Ref":"${logicalId(stack, stateMachine)}"`))).toBe(
          true,
        );
      }
    },
  );

  it('watch Errors of every handler function', () => {
    const functions = [
      ...Object.values(stack.teardown.functions.byOperation),
      stack.sweep.selectFunction,
    ];
    const watched = alarmsOn('Errors').map((alarm) => JSON.stringify(alarm.Dimensions));
    expect(watched).toHaveLength(5);
    for (const fn of functions) {
      expect(watched.some((d) => d.includes(`"Ref":"${logicalId(stack, fn)}"`))).toBe(true);
    }
  });

  it('have no actions and no topic without alarmEmail', () => {
    template.resourceCountIs('AWS::SNS::Topic', 0);
    for (const alarm of alarmsOn('ExecutionsFailed')) {
      expect(alarm.AlarmActions).toBeUndefined();
    }
  });

  it(
    'notify an encrypted topic with an email subscription when alarmEmail is set',
    () => {
      const withEmail = synthStack({ alarmEmail: 'ops@example.com' });
      const topics = withEmail.template.findResources('AWS::SNS::Topic');
      const [topicId, topic] = Object.entries(topics)[0] as [string, { Properties: Json }];
      expect(Object.keys(topics)).toHaveLength(1);
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
      withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: { Ref: topicId },
      });
      const alarms = Object.values(withEmail.template.findResources('AWS::CloudWatch::Alarm'));
      expect(alarms).toHaveLength(9);
      for (const alarm of alarms) {
        expect((alarm as { Properties: Json }).Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      }
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'let CloudWatch use the topic key',
    () => {
      const { template } = synthStack({ alarmEmail: 'ops@example.com' });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('stack outputs', () => {
  it(
    'include both state machines, their console pages and the secret',
    () => {
      const { stack, template } = synthStack();
      const outputs = template.findOutputs('*');
      expect(Object.keys(outputs).sort()).toEqual([
        'ApiKeySecretArn',
        'ApiKeySecretName',
        'PutApiKeyCommand',
        'StateMachineArn',
        'StateMachineConsoleUrl',
        'SweepStateMachineArn',
        'SweepStateMachineConsoleUrl',
      ]);
      expect(outputs.StateMachineArn?.Value).toEqual({
        Ref: logicalId(stack, stack.teardown.stateMachine),
      });
      expect(outputs.SweepStateMachineArn?.Value).toEqual({
        Ref: logicalId(stack, stack.sweep.stateMachine),
      });
      expect(JSON.stringify(outputs.SweepStateMachineConsoleUrl?.Value)).toContain(
        'console.aws.amazon.com/states/home?region=',
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'name an imported secret',
    () => {
      const { template } = synthStack({ apiKeySecretName: 'team/anthropic' });
      expect(template.findOutputs('ApiKeySecretName').ApiKeySecretName?.Value).toBe(
        'team/anthropic',
      );
    },
    SYNTH_TIMEOUT_MS,
  );
});
