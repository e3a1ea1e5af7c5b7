import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { validateSweepCriteria } from '../../lambdas/shared/sweep-criteria';
import { BatchSweep } from '../../lib/batch-sweep';
import { BatchTeardown } from '../../lib/batch-teardown';
import { BatchTeardownStack } from '../../lib/batch-teardown-stack';
import { CleanupSchedule } from '../../lib/cleanup-schedule';
import { readAppSettings } from '../../lib/context-settings';
import { applyNagChecks } from '../../lib/nag-acknowledgments';
import { WorkflowAlarms } from '../../lib/workflow-alarms';

type Context = Record<string, unknown>;
type Statement = { Action: string | string[]; Resource: unknown };

const IMPORTED_SECRET_NAME = 'team/anthropic';

/**
 * Timeout of each test. The first synth in a jest worker loads most of aws-cdk-lib, which took
 * up to 16 s on a development machine, too close to the 30 s jest default.
 */
const SYNTH_TIMEOUT_MS = 120_000;

/** The CloudWatch Logs delivery actions that the CDK StateMachine grants on Resource *. */
const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
];

/** Returns the cdk.json context, so feature flags match `cdk synth`, with bundling turned off. */
function appContext(extra: Context): Context {
  const cdkJson = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'),
  ) as { context: Context };
  return { ...cdkJson.context, ...extra, 'aws:cdk:bundling-stacks': [] };
}

/** Builds the app as bin/app.ts does: checks registered, stack settings read from context. */
function checkedApp(extra: Context): { app: App; stack: BatchTeardownStack } {
  const app = new App({ context: appContext(extra) });
  applyNagChecks(app);
  const stack = new BatchTeardownStack(app, 'ClaudeBatchTeardown', {
    settings: readAppSettings(app.node),
  });
  return { app, stack };
}

function synthError(app: App): Error {
  try {
    app.synth();
  } catch (error) {
    return error as Error;
  }
  throw new Error('app.synth() passed, but a finding was expected to fail it.');
}

/**
 * Rule ids the checks report without any acknowledgment, on the constructs that the stack
 * creates for the same context, wired as the stack wires them.
 */
function reportedRuleIds(extra: Context): string[] {
  const app = new App({ context: appContext(extra) });
  const settings = readAppSettings(app.node);
  const stack = new Stack(app, 'ClaudeBatchTeardown');
  const apiKeySecret =
    extra.apiKeySecretName === undefined
      ? undefined
      : secretsmanager.Secret.fromSecretNameV2(stack, 'ImportedApiKey', IMPORTED_SECRET_NAME);
  const teardown = new BatchTeardown(stack, 'Teardown', { apiKeySecret });
  const sweep = new BatchSweep(stack, 'Sweep', {
    teardownStateMachine: teardown.stateMachine,
    teardownTimeout: teardown.executionTimeout,
    apiKeySecret: teardown.apiKeySecret,
  });
  const schedule =
    settings.cleanupSchedule === undefined
      ? undefined
      : new CleanupSchedule(stack, 'CleanupSchedule', {
          sweepStateMachine: sweep.stateMachine,
          expression: settings.cleanupSchedule,
          input: validateSweepCriteria({}),
        });
  new WorkflowAlarms(stack, 'Alarms', {
    stateMachines: { Teardown: teardown.stateMachine, Sweep: sweep.stateMachine },
    functions: { ...teardown.functions.byOperation, selectBatches: sweep.selectFunction },
    deadLetterQueue: schedule?.deadLetterQueue,
    alarmEmail: settings.alarmEmail,
  });
  const report = new AwsSolutionsChecks().validateScope(stack);
  return [...new Set(report.violations.map((v) => v.ruleName))].sort();
}

/** Rule ids acknowledged anywhere in the tree, without the namespace CDK records them under. */
function acknowledgedRuleIds(scope: IConstruct): string[] {
  const ids = scope.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
  return [...new Set(ids)].sort();
}

function wildcardActions(stack: Stack): string[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')) as {
    Properties: { PolicyDocument: { Statement: Statement[] } };
  }[];
  return policies
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s) => [s.Resource].flat().includes('*'))
    .flatMap((s) => [s.Action].flat());
}

describe.each([
  { setup: 'a created secret', context: {} },
  { setup: 'an imported secret', context: { apiKeySecretName: IMPORTED_SECRET_NAME } },
  {
    setup: 'the cleanup schedule and alarm email',
    context: { cleanupSchedule: 'rate(1 day)', alarmEmail: 'ops@example.com' },
  },
])('AwsSolutions checks with $setup', ({ context }) => {
  it(
    'pass on the stack',
    () => {
      const { app } = checkedApp(context);
      expect(() => app.synth()).not.toThrow();
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'fail on an unacknowledged finding',
    () => {
      const { app, stack } = checkedApp(context);
      new secretsmanager.Secret(stack, 'UnrotatedSecret');
      const error = synthError(app);
      expect(error.message).toContain('AwsSolutions-SMG4');
      expect(error.message).toContain('ClaudeBatchTeardown/UnrotatedSecret');
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'acknowledge only findings the checks report',
    () => {
      const { stack } = checkedApp(context);
      expect(acknowledgedRuleIds(stack)).toEqual(reportedRuleIds(context));
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'grant Resource * only for X-Ray and log delivery actions',
    () => {
      const { stack } = checkedApp(context);
      const unexpected = wildcardActions(stack).filter(
        (a) => !a.startsWith('xray:') && !LOG_DELIVERY_ACTIONS.includes(a),
      );
      expect(unexpected).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );
});
