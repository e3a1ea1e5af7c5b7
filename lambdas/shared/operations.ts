/** The four Message Batches operations that the handlers call, named by their operationId. */
export type BatchOperation =
  | 'createMessageBatch'
  | 'cancelMessageBatch'
  | 'retrieveMessageBatch'
  | 'deleteMessageBatch'
  | 'listMessageBatches';

/** The operation and batch of one API call, used in messages and log lines. */
export interface CallContext {
  readonly operation: BatchOperation;
  /** Batch id, absent while creating a batch. */
  readonly batchId?: string;
}

const ACTION_VERBS: Record<BatchOperation, string> = {
  createMessageBatch: 'creating',
  cancelMessageBatch: 'canceling',
  retrieveMessageBatch: 'retrieving',
  deleteMessageBatch: 'deleting',
  listMessageBatches: 'listing',
};

/** Describes a call for a message, such as "retrieving batch msgbatch_01". */
export function describeAction(context: CallContext): string {
  if (context.operation === 'createMessageBatch') return 'creating a batch';
  if (context.operation === 'listMessageBatches') return 'listing batches';
  return `${ACTION_VERBS[context.operation]} batch ${context.batchId ?? '(unknown id)'}`;
}
