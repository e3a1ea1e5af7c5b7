import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { validateSweepCriteria } from '../lambdas/shared/sweep-criteria';
import { BatchSweep } from './batch-sweep';
import { BatchTeardown } from './batch-teardown';
import { CleanupSchedule } from './cleanup-schedule';
import type { AppSettings } from './context-settings';
import { acknowledgeNagFindings } from './nag-acknowledgments';
import { WorkflowAlarms } from './workflow-alarms';

export interface BatchTeardownStackProps extends StackProps {
  /** Settings read from context. */
  readonly settings: AppSettings;
}

/**
 * Deploys the teardown workflow, the sweep that runs it on old batches, an optional schedule
 * for the sweep and the alarms, and prints what a user needs to start them.
 */
export class BatchTeardownStack extends Stack {
  public readonly teardown: BatchTeardown;
  public readonly sweep: BatchSweep;
  /** The schedule of the sweep, when context cleanupSchedule is set. */
  public readonly cleanupSchedule?: CleanupSchedule;
  public readonly alarms: WorkflowAlarms;

  constructor(scope: Construct, id: string, props: BatchTeardownStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.teardown = new BatchTeardown(this, 'Teardown', {
      apiKeySecret: importSecret(this, settings.apiKeySecret),
      pollInterval: settings.pollInterval,
      maxPollRetries: settings.maxPollRetries,
      apiBaseUrl: settings.apiBaseUrl,
      logLevel: settings.logLevel,
      requestsBucket: importRequestsBucket(this, settings.requestsBucketName),
      requestsPrefix: settings.requestsPrefix,
    });
    this.sweep = new BatchSweep(this, 'Sweep', {
      teardownStateMachine: this.teardown.stateMachine,
      teardownTimeout: this.teardown.executionTimeout,
      apiKeySecret: this.teardown.apiKeySecret,
      apiBaseUrl: settings.apiBaseUrl,
      logLevel: settings.logLevel,
    });
    if (settings.cleanupSchedule !== undefined) {
      this.cleanupSchedule = new CleanupSchedule(this, 'CleanupSchedule', {
        sweepStateMachine: this.sweep.stateMachine,
        expression: settings.cleanupSchedule,
        input: settings.cleanupInput ?? validateSweepCriteria({}),
      });
    }
    this.alarms = new WorkflowAlarms(this, 'Alarms', {
      stateMachines: { Teardown: this.teardown.stateMachine, Sweep: this.sweep.stateMachine },
      functions: {
        ...this.teardown.functions.byOperation,
        selectBatches: this.sweep.selectFunction,
      },
      deadLetterQueue: this.cleanupSchedule?.deadLetterQueue,
      alarmEmail: settings.alarmEmail,
    });
    this.addOutputs();
    acknowledgeNagFindings(this);
  }

  private addOutputs(): void {
    const { stateMachine, apiKeySecret, createdSecret } = this.teardown;
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
    new CfnOutput(this, 'StateMachineConsoleUrl', { value: consoleUrl(this, stateMachine) });
    new CfnOutput(this, 'SweepStateMachineArn', {
      value: this.sweep.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'SweepStateMachineConsoleUrl', {
      value: consoleUrl(this, this.sweep.stateMachine),
    });
    new CfnOutput(this, 'ApiKeySecretName', { value: apiKeySecret.secretName });
    new CfnOutput(this, 'ApiKeySecretArn', { value: apiKeySecret.secretArn });
    if (createdSecret) {
      new CfnOutput(this, 'PutApiKeyCommand', {
        description:
          'Stores the API key in the secret; read the key from a prompt, not from history.',
        value: `read -rs ANTHROPIC_API_KEY && aws secretsmanager put-secret-value --secret-id ${apiKeySecret.secretArn} --secret-string "$ANTHROPIC_API_KEY"`,
      });
    }
  }
}

/** Link to the state machine's page in the Step Functions console. */
function consoleUrl(stack: Stack, stateMachine: sfn.IStateMachine): string {
  const { region } = stack;
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/statemachines/view/${stateMachine.stateMachineArn}`;
}

function importRequestsBucket(scope: Construct, name?: string): s3.IBucket | undefined {
  if (name === undefined) return undefined;
  try {
    s3.Bucket.validateBucketName(name);
  } catch (error) {
    throw new Error(`Context requestsBucketName is invalid. ${(error as Error).message}`, {
      cause: error,
    });
  }
  return s3.Bucket.fromBucketName(scope, 'RequestsBucket', name);
}

function importSecret(scope: Construct, nameOrArn?: string): secretsmanager.ISecret | undefined {
  if (nameOrArn === undefined) {
    return undefined;
  }
  if (nameOrArn.startsWith('arn:')) {
    // A complete ARN ends with the six random characters Secrets Manager appends to the name.
    return /-[A-Za-z0-9]{6}$/.test(nameOrArn)
      ? secretsmanager.Secret.fromSecretCompleteArn(scope, 'ImportedApiKey', nameOrArn)
      : secretsmanager.Secret.fromSecretPartialArn(scope, 'ImportedApiKey', nameOrArn);
  }
  return secretsmanager.Secret.fromSecretNameV2(scope, 'ImportedApiKey', nameOrArn);
}
