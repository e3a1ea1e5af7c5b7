import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { BatchTeardown, type BatchTeardownProps, executionTimeout } from '../../lib/batch-teardown';
import { BatchTeardownStack } from '../../lib/batch-teardown-stack';
import { readAppSettings } from '../../lib/context-settings';
import { synthesizeTeardown } from '../../local/definition';

type State = Record<string, unknown>;

/** Synthesizes the construct without bundling, which these assertions do not need. */
function synth(props: BatchTeardownProps = {}): { template: Template; stack: Stack } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  new BatchTeardown(stack, 'Teardown', props);
  return { template: Template.fromStack(stack), stack };
}

function states(props: BatchTeardownProps = {}): Record<string, State> {
  return synthesizeTeardown(props).definition.States;
}

describe('BatchTeardown resources', () => {
  const { template } = synth();

  it('creates one Standard state machine with tracing and ERROR logging', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
    });
  });

  it('creates four nodejs24.x arm64 functions wired to the secret', () => {
    const functions = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'] },
    });
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions)) {
      const variables = (fn as { Properties: { Environment: { Variables: State } } }).Properties
        .Environment.Variables;
      expect(variables.API_KEY_SECRET_ID).toEqual({ Ref: expect.stringMatching(/ApiKey/) });
      expect(variables.ANTHROPIC_BASE_URL).toBe('https://api.anthropic.com');
    }
  });

  it('lets each function read only the key secret', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('Functions') },
    });
    expect(Object.keys(policies)).toHaveLength(4);
    for (const policy of Object.values(policies)) {
      const statements = (policy as { Properties: { PolicyDocument: { Statement: State[] } } })
        .Properties.PolicyDocument.Statement;
      const secretStatements = statements.filter((s) =>
        String(s.Action).includes('secretsmanager'),
      );
      expect(secretStatements).toHaveLength(1);
      expect(secretStatements[0]?.Resource).toEqual({ Ref: expect.stringMatching(/ApiKey/) });
      const otherActions = statements.flatMap((s) => [s.Action].flat()).map(String);
      const allowedPrefixes = ['secretsmanager:', 'xray:', 'logs:'];
      expect(otherActions.every((a) => allowedPrefixes.some((p) => a.startsWith(p)))).toBe(true);
    }
  });

  it('lets each function write logs only to its own log group', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: {
        Role: { 'Fn::GetAtt': string[] };
        LoggingConfig: { LogGroup: { Ref: string } };
      };
    }[];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: State[] } };
    }[];
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const policy = policies.find((p) => p.Properties.Roles[0]?.Ref === roleId);
      const logStatements = (policy?.Properties.PolicyDocument.Statement ?? []).filter((s) =>
        [s.Action].flat().some((a) => String(a).startsWith('logs:')),
      );
      expect(logStatements).toHaveLength(1);
      expect([logStatements[0]?.Action].flat().sort()).toEqual([
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]);
      expect(logStatements[0]?.Resource).toEqual({
        'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'],
      });
    }
  });

  it('attaches no managed policy to the function roles', () => {
    const roles = template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
        },
      },
    });
    expect(Object.keys(roles)).toHaveLength(4);
    for (const role of Object.values(roles)) {
      expect((role as { Properties: State }).Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets the state machine invoke only its four functions', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { PolicyName: Match.stringLikeRegexp('StateMachineRole') },
    });
    const statements = Object.values(policies).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: State[] } } }).Properties.PolicyDocument
          .Statement,
    );
    const invoke = statements.filter((s) => s.Action === 'lambda:InvokeFunction');
    const resources = invoke.flatMap((s) => [s.Resource].flat());
    const functionIds = new Set(
      resources.map((r) => JSON.stringify(r).match(/"(TeardownFunctions\w+?)"/)?.[1]),
    );
    expect(functionIds.size).toBe(4);
    expect(resources.some((r) => JSON.stringify(r).includes('"*"'))).toBe(false);
  });

  it('sets an execution timeout from the poll settings plus a margin', () => {
    const expected = executionTimeout(Duration.seconds(15), 240).toSeconds();
    const { definition } = synthesizeTeardown();
    expect(definition.TimeoutSeconds).toBe(expected);
    expect(expected).toBeGreaterThan(241 * 15);
  });
});

describe('BatchTeardown state machine', () => {
  it('names the Task states after the workflow steps', () => {
    const taskNames = Object.entries(states())
      .filter(([, state]) => state.Type === 'Task')
      .map(([name]) => name);
    expect(taskNames.sort()).toEqual([
      'adoptBatch',
      'deleteBatch',
      'pollUntilEnded',
      'requestCancel',
      'submitBatch',
    ]);
  });

  it('runs submitBatch, requestCancel, then pollUntilEnded', () => {
    const definition = synthesizeTeardown().definition;
    expect(definition.StartAt).toBe('selectInputMode');
    expect(definition.States.selectInputMode).toMatchObject({
      Choices: [{ Variable: '$.batchId', IsPresent: true, Next: 'adoptBatch' }],
      Default: 'submitBatch',
    });
    expect(definition.States.adoptBatch?.Next).toBe('isAdoptedBatchEnded');
    expect(definition.States.isAdoptedBatchEnded).toMatchObject({
      Choices: [
        { Variable: '$.batch.processing_status', StringEquals: 'ended', Next: 'deleteBatch' },
      ],
      Default: 'requestCancel',
    });
    expect(definition.States.submitBatch?.Next).toBe('requestCancel');
    expect(definition.States.requestCancel?.Next).toBe('pollUntilEnded');
  });

  it('polls through a Choice and a Wait state', () => {
    const all = states({ pollInterval: Duration.seconds(15) });
    expect(all.pollUntilEnded?.Next).toBe('isBatchEnded');
    expect(all.waitBeforePoll).toMatchObject({ Type: 'Wait', Seconds: 15, Next: 'pollUntilEnded' });
    const choices = all.isBatchEnded?.Choices as State[];
    expect(choices[0]).toMatchObject({
      Variable: '$.batch.processing_status',
      StringEquals: 'ended',
      Next: 'deleteBatch',
    });
    expect(all.isBatchEnded?.Default).toBe('waitBeforePoll');
  });

  it('fails with BatchNotEnded after maxPollRetries retries', () => {
    const all = states({ maxPollRetries: 7 });
    const limit = (all.isBatchEnded?.Choices as State[])[1];
    expect(limit).toMatchObject({ Variable: '$.pollCount', NumericGreaterThan: 7 });
    const describe = all[String(limit?.Next)];
    expect(all[String(describe?.Next)]).toMatchObject({ Type: 'Fail', Error: 'BatchNotEnded' });
  });

  it('counts polls in the Task input so a cycle is three states', () => {
    const parameters = states().pollUntilEnded?.Parameters as State;
    expect(parameters['pollCount.$']).toBe('States.MathAdd($.pollCount, 1)');
    expect(states().submitBatch?.ResultSelector).toMatchObject({ pollCount: 0 });
  });

  it('enters deleteBatch only after reading ended or from its own retries', () => {
    const all = states();
    const referrers = Object.entries(all)
      .filter(([, state]) =>
        JSON.stringify({
          Next: state.Next,
          Choices: state.Choices,
          Default: state.Default,
        }).includes('"deleteBatch"'),
      )
      .map(([name]) => name);
    expect(referrers.sort()).toEqual([
      'isAdoptedBatchEnded',
      'isBatchEnded',
      'resumeAfterThrottle',
      'waitBeforeDeleteRetry',
    ]);
    const resume = (all.resumeAfterThrottle?.Choices as State[]).find(
      (c) => c.Next === 'deleteBatch',
    );
    expect(resume).toMatchObject({ Variable: '$.throttledStep', StringEquals: 'deleteBatch' });
    const marksDelete = Object.entries(all).filter(([, state]) => state.Result === 'deleteBatch');
    expect(marksDelete.map(([name]) => name)).toEqual(['deleteBatchThrottled']);
    expect(JSON.stringify(all.deleteBatch?.Catch)).toContain('"deleteBatchThrottled"');
    expect(JSON.stringify(all.deleteBatch?.Catch)).toContain('"countDeleteAttempt"');
  });

  it('sends 400 or 409 from delete back to polling', () => {
    const catchers = states().deleteBatch?.Catch as State[];
    expect(catchers).toContainEqual(
      expect.objectContaining({
        ErrorEquals: ['InvalidRequest', 'Conflict'],
        Next: 'waitBeforePoll',
      }),
    );
  });

  it('sends 429 and 529 of every Task to the throttle path', () => {
    const all = states();
    for (const name of [
      'submitBatch',
      'adoptBatch',
      'requestCancel',
      'pollUntilEnded',
      'deleteBatch',
    ]) {
      const catchers = all[name]?.Catch as State[];
      expect(catchers).toContainEqual(
        expect.objectContaining({
          ErrorEquals: ['RateLimited', 'Overloaded'],
          Next: `${name}Throttled`,
        }),
      );
    }
  });

  it('waits the retry-after seconds from the error details', () => {
    const all = states();
    expect(all.waitRetryAfter).toMatchObject({
      Type: 'Wait',
      SecondsPath: '$.throttle.details.retryAfterSeconds',
    });
    expect(all.waitRetryAfterCap).toMatchObject({ Type: 'Wait', Seconds: 300 });
  });

  it('retries cancel and retrieve on transient errors', () => {
    const all = states();
    for (const name of ['requestCancel', 'pollUntilEnded']) {
      const errors = (all[name]?.Retry as State[]).flatMap((r) => r.ErrorEquals as string[]);
      expect(errors).toEqual(
        expect.arrayContaining(['ServerError', 'ApiTimeout', 'NetworkError', 'BatchNotFound']),
      );
    }
  });

  it('routes a cancel answered 400 or 409 to polling', () => {
    const catchers = states().requestCancel?.Catch as State[];
    expect(catchers[0]).toMatchObject({
      ErrorEquals: ['InvalidRequest', 'Conflict'],
      Next: 'pollUntilEnded',
    });
  });

  it('retries create only on errors that prove no batch exists', () => {
    const retriers = states().submitBatch?.Retry as State[];
    const errors = retriers.flatMap((r) => r.ErrorEquals as string[]);
    expect(errors).toContain('ConnectionFailed');
    for (const ambiguous of [
      'ServerError',
      'ApiTimeout',
      'RequestTimeout',
      'NetworkError',
      'Lambda.Unknown',
    ]) {
      expect(errors).not.toContain(ambiguous);
    }
  });

  it('names the batch in later failures', () => {
    const all = states();
    for (const name of ['requestCancel', 'pollUntilEnded', 'deleteBatch']) {
      const catchers = all[name]?.Catch as State[];
      const catchAll = catchers.find((c) => (c.ErrorEquals as string[]).includes('States.ALL'));
      expect(catchAll).toBeDefined();
    }
    expect(JSON.stringify(all.describeBatchFailure)).toContain('$.batch.id');
    expect(JSON.stringify(all.describeBatchFault)).toContain('$.batch.id');
  });
});

describe('BatchTeardown props', () => {
  it('uses an imported secret instead of creating one', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Imported');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'team/anthropic');
    new BatchTeardown(stack, 'Teardown', { apiKeySecret: secret });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Resource: {
              'Fn::Join': [
                '',
                Match.arrayWith([
                  Match.stringLikeRegexp('secret:team/anthropic-\\?\\?\\?\\?\\?\\?'),
                ]),
              ],
            },
          }),
        ]),
      },
    });
  });

  it.each([
    { props: { maxPollRetries: -1 }, message: /maxPollRetries is -1/ },
    { props: { maxPollRetries: 2.5 }, message: /maxPollRetries is 2.5/ },
    { props: { maxPollRetries: 5000 }, message: /at most 25,000/ },
    { props: { pollInterval: Duration.millis(500) }, message: /at least 1 second/ },
  ])('rejects $props', ({ props, message }) => {
    expect(() => synth(props)).toThrow(message);
  });
});

describe('app context', () => {
  function settingsFrom(context: Record<string, unknown>) {
    return readAppSettings(new App({ context }).node);
  }

  it('parses numbers given as strings with -c', () => {
    const settings = settingsFrom({ pollIntervalSeconds: '30', maxPollRetries: '10' });
    expect(settings.pollInterval?.toSeconds()).toBe(30);
    expect(settings.maxPollRetries).toBe(10);
  });

  it.each([
    { context: { maxPollRetries: 'ten' }, message: /maxPollRetries is "ten"/ },
    { context: { logLevel: 'LOUD' }, message: /logLevel is "LOUD"/ },
    { context: { apiKeySecretName: 'a', apiKeySecretArn: 'arn:b' }, message: /only one/ },
  ])('rejects $context', ({ context, message }) => {
    expect(() => settingsFrom(context)).toThrow(message);
  });

  it('outputs the command that stores the key when the stack creates the secret', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new BatchTeardownStack(app, 'WithSecret', { settings: {} });
    const outputs = Template.fromStack(stack).findOutputs('PutApiKeyCommand');
    expect(JSON.stringify(outputs)).toContain('put-secret-value');
  });
});
