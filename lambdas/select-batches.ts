/**
 * Task handler of the sweep's selectBatches and summarizeSweep steps.
 */
import { withApiKeyRetry } from './shared/api-key';
import { listMessageBatches } from './shared/batch-api';
import { type BatchSelection, listAndSelectBatches } from './shared/batch-selection';
import { wrapHandler } from './shared/handler';
import { describeValue, invalidField, isPlainObject } from './shared/input-values';
import { logger } from './shared/logger';
import { validateSweepCriteria } from './shared/sweep-criteria';
import { parseSummarizeEvent, summarizeSweep, type SweepSummary } from './shared/sweep-summary';

/**
 * Handles the two events of the sweep state machine:
 *
 * - `{executionInput}` (selectBatches): validates the sweep input before reading the key, then
 *   pages through `GET /v1/messages/batches` and returns the batches that match, the oldest
 *   first, with the counts of those skipped. Only ids, created_at and processing_status leave
 *   the function, never requests or params.
 * - `{selection, outcomes}` (summarizeSweep): counts the teardown outcomes of the Map state and
 *   returns the sweep summary. It makes no API call.
 */
export const handler = wrapHandler(
  'listMessageBatches',
  async (event): Promise<BatchSelection | SweepSummary> => {
    if (isPlainObject(event) && 'executionInput' in event) {
      return select(event.executionInput);
    }
    if (isPlainObject(event) && 'selection' in event) {
      const { selection, outcomes } = parseSummarizeEvent(event);
      return summarizeSweep(selection, outcomes);
    }
    throw invalidField({
      context: 'listMessageBatches event',
      field: 'event',
      valueDescription: describeValue(event),
      rule: 'it must be {"executionInput": ...} or {"selection": ..., "outcomes": [...]}',
      fix: 'start the sweep state machine instead of invoking the function directly',
    });
  },
);

async function select(executionInput: unknown): Promise<BatchSelection> {
  const criteria = validateSweepCriteria(executionInput);
  const { anthropicVersion } = criteria;
  const selection = await listAndSelectBatches(criteria, (page) =>
    withApiKeyRetry((apiKey) => listMessageBatches({ apiKey, anthropicVersion }, page)),
  );
  logger.info('Selected batches for the sweep', {
    examined: selection.examined,
    selectedCount: selection.selectedCount,
    skipped: selection.skipped,
    listComplete: selection.listComplete,
    dryRun: selection.dryRun,
  });
  return selection;
}
