import type { BatchOperation } from '../lib/batch-functions';
import { handler as cancelMessageBatch } from '../lambdas/cancel-message-batch';
import { handler as createMessageBatch } from '../lambdas/create-message-batch';
import { handler as deleteMessageBatch } from '../lambdas/delete-message-batch';
import { handler as retrieveMessageBatch } from '../lambdas/retrieve-message-batch';
import type { LambdaHandler } from './lambda-emulation';

export { setApiKeyProvider } from '../lambdas/shared/api-key';

/** The handler modules that NodejsFunction bundles, imported in process for local runs. */
export const LOCAL_HANDLERS: Record<BatchOperation, LambdaHandler> = {
  createMessageBatch,
  cancelMessageBatch,
  retrieveMessageBatch,
  deleteMessageBatch,
};
