/**
 * The handlers' structured logger: one JSON object per line, debug and info on stdout, warn and
 * error on stderr, which Lambda sends to CloudWatch Logs. It reads LOG_LEVEL (DEBUG, INFO, WARN,
 * ERROR or SILENT; default INFO) and SERVICE_NAME on every call, so the local runner can change them.
 *
 * It replaces Powertools Logger, which took 14 ms of each cold start and 23 KB of each bundle
 * (docs/benchmarks.md). The keys follow Powertools' names, so log queries keep working.
 *
 * Never log the API key, request params, prompts or whole events.
 */
import type { Context } from 'aws-lambda';

type Level = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';

const LEVEL_ORDER: Record<Level, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 50 };

/** Depth to which `cause` chains of logged errors are followed. */
const MAX_CAUSE_DEPTH = 3;

/** Fields added to a log line; undefined values are left out. */
export type LogFields = Record<string, unknown>;

class JsonLogger {
  private keys: LogFields = {};
  private context: LogFields = {};
  private coldStart = true;

  /** Drops the keys and the Lambda context of the previous invocation. */
  resetKeys(): void {
    this.keys = {};
    this.context = {};
  }

  /** Adds the Lambda context's fields to every line until `resetKeys`. */
  addContext(context: Context): void {
    this.context = {
      cold_start: this.coldStart,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.coldStart = false;
  }

  /** Adds `keys` to every line until `resetKeys`. */
  appendKeys(keys: LogFields): void {
    this.keys = { ...this.keys, ...keys };
  }

  debug(message: string, fields?: LogFields): void {
    this.write('DEBUG', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.write('INFO', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('WARN', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('ERROR', message, fields);
  }

  private write(level: Exclude<Level, 'SILENT'>, message: string, fields: LogFields = {}): void {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[configuredLevel()]) return;
    const entry = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: process.env.SERVICE_NAME ?? 'claude-batch-teardown',
      ...this.context,
      xray_trace_id: process.env._X_AMZN_TRACE_ID,
      ...this.keys,
      ...fields,
    };
    const line = `${serialize(entry)}\n`;
    if (LEVEL_ORDER[level] >= LEVEL_ORDER.WARN) process.stderr.write(line);
    else process.stdout.write(line);
  }
}

function configuredLevel(): Level {
  const value = process.env.LOG_LEVEL?.toUpperCase();
  return value !== undefined && value in LEVEL_ORDER ? (value as Level) : 'INFO';
}

/** Writes errors as `{name, message, stack, cause}`, which JSON.stringify would write as `{}`. */
function serialize(entry: LogFields): string {
  try {
    return JSON.stringify(entry, (_key, value: unknown) =>
      value instanceof Error ? describeError(value, 0) : value,
    );
  } catch {
    return JSON.stringify({ level: entry.level, message: entry.message, unserializable: true });
  }
}

function describeError(error: Error, depth: number): LogFields {
  const cause = error.cause;
  let describedCause: unknown = cause;
  if (cause instanceof Error) {
    describedCause =
      depth < MAX_CAUSE_DEPTH ? describeError(cause, depth + 1) : `${cause.name}: ${cause.message}`;
  }
  return { name: error.name, message: error.message, stack: error.stack, cause: describedCause };
}

/** Logger of all the handlers; each call appends `operation` and `batchId` as keys. */
export const logger = new JsonLogger();
