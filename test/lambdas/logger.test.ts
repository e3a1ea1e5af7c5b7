import type { Context } from 'aws-lambda';
import { logger } from '../../lambdas/shared/logger';
import { captureLogs, type LogCapture } from './lambda-test-env';

const CONTEXT = { functionName: 'retrieveMessageBatch', awsRequestId: 'req-1' } as Context;

let capture: LogCapture;

beforeEach(() => {
  capture = captureLogs();
  logger.resetKeys();
  delete process.env.LOG_LEVEL;
});

afterEach(() => {
  capture.restore();
  delete process.env.LOG_LEVEL;
});

function lines(): Array<Record<string, unknown>> {
  return capture
    .text()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('logger', () => {
  it('writes standard, context and appended keys', () => {
    logger.addContext(CONTEXT);
    logger.appendKeys({ operation: 'retrieveMessageBatch', batchId: 'msgbatch_1' });

    logger.info('Message Batches API call finished', { status: 200, skipped: undefined });

    const [line] = lines();
    expect(line).toMatchObject({
      level: 'INFO',
      message: 'Message Batches API call finished',
      service: 'claude-batch-teardown',
      function_name: 'retrieveMessageBatch',
      function_request_id: 'req-1',
      operation: 'retrieveMessageBatch',
      batchId: 'msgbatch_1',
      status: 200,
    });
    expect(typeof line?.timestamp).toBe('string');
    expect(line).not.toHaveProperty('skipped');
  });

  it('marks only the first invocation of the process as a cold start', () => {
    logger.addContext(CONTEXT);
    logger.info('first');
    logger.resetKeys();
    logger.addContext(CONTEXT);
    logger.info('second');

    expect(lines().map((line) => line.cold_start)).toEqual([expect.any(Boolean), false]);
  });

  it('drops the keys of the previous invocation on resetKeys', () => {
    logger.appendKeys({ batchId: 'msgbatch_old' });
    logger.resetKeys();
    logger.info('next');

    expect(lines()[0]).not.toHaveProperty('batchId');
  });

  it('leaves out lines below LOG_LEVEL, and everything at SILENT', () => {
    process.env.LOG_LEVEL = 'warn';
    logger.debug('debug');
    logger.info('info');
    logger.warn('warn');
    logger.error('error');
    process.env.LOG_LEVEL = 'SILENT';
    logger.error('silenced');

    expect(lines().map((line) => line.message)).toEqual(['warn', 'error']);
  });

  it('writes an error with its name, message and cause', () => {
    const cause = new RangeError('inner detail');
    logger.error('failed', { error: new TypeError('outer detail', { cause }) });

    const error = lines()[0]?.error as Record<string, unknown>;
    expect(error).toMatchObject({ name: 'TypeError', message: 'outer detail' });
    expect(error.cause).toMatchObject({ name: 'RangeError', message: 'inner detail' });
  });

  it('still writes the message when a field cannot be serialized', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    logger.warn('odd field', { circular });

    expect(lines()[0]).toEqual({ level: 'WARN', message: 'odd field', unserializable: true });
  });
});
