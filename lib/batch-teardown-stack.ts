import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BatchTeardown } from './batch-teardown';
import type { AppSettings } from './context-settings';
import { acknowledgeNagFindings } from './nag-acknowledgments';

export interface BatchTeardownStackProps extends StackProps {
  /** Settings read from context. */
  readonly settings: AppSettings;
}

/** Deploys the teardown workflow and prints what a user needs to start it. */
export class BatchTeardownStack extends Stack {
  public readonly teardown: BatchTeardown;

  constructor(scope: Construct, id: string, props: BatchTeardownStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.teardown = new BatchTeardown(this, 'Teardown', {
      apiKeySecret: importSecret(this, settings.apiKeySecret),
      pollInterval: settings.pollInterval,
      maxPollRetries: settings.maxPollRetries,
      apiBaseUrl: settings.apiBaseUrl,
      logLevel: settings.logLevel,
    });
    this.addOutputs();
    acknowledgeNagFindings(this);
  }

  private addOutputs(): void {
    const { stateMachine, apiKeySecret, createdSecret } = this.teardown;
    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn });
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
