/**
 * The Powertools Logger shared by the handlers. It writes JSON lines and reads
 * POWERTOOLS_SERVICE_NAME and POWERTOOLS_LOG_LEVEL from the environment.
 *
 * Never log the API key, request params, prompts or whole events.
 */
import { Logger } from '@aws-lambda-powertools/logger';

/** Logger of all four handlers; each call appends `operation` and `batchId` as keys. */
export const logger = new Logger();
