#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { BatchTeardownStack } from '../lib/batch-teardown-stack';
import { readAppSettings } from '../lib/context-settings';
import { applyNagChecks } from '../lib/nag-acknowledgments';

const app = new App();
applyNagChecks(app);
new BatchTeardownStack(app, 'ClaudeBatchTeardown', {
  settings: readAppSettings(app.node),
  description: 'Submits, cancels, waits for and deletes Claude Message Batches',
});
