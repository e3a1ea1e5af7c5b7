/** The workflow settings that `cdk deploy` uses, read from cdk.json as bin/app.ts reads them. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { LAMBDA_MEMORY_MB } from '../../lib/batch-functions';
import {
  type BatchTeardownProps,
  DEFAULT_MAX_POLL_RETRIES,
  DEFAULT_POLL_INTERVAL,
} from '../../lib/batch-teardown';
import { readAppSettings } from '../../lib/context-settings';
import { REPO_ROOT } from './bundles';

export interface DeployedSettings {
  /** Construct props with the poll settings and log level from cdk.json. */
  readonly teardownProps: BatchTeardownProps;
  readonly pollIntervalSeconds: number;
  readonly maxPollRetries: number;
  readonly lambdaMemoryMb: number;
}

/** Reads the cdk.json context and fills in the construct's defaults. */
export function readDeployedSettings(): DeployedSettings {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const settings = readAppSettings(new App({ context: cdkJson.context ?? {} }).node);
  const pollInterval = settings.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const maxPollRetries = settings.maxPollRetries ?? DEFAULT_MAX_POLL_RETRIES;
  return {
    teardownProps: { pollInterval, maxPollRetries, logLevel: settings.logLevel },
    pollIntervalSeconds: pollInterval.toSeconds(),
    maxPollRetries,
    lambdaMemoryMb: LAMBDA_MEMORY_MB,
  };
}
