/**
 * Builds the body of `POST /v1/messages/batches`, `{"requests":[...]}`, from the bytes of a
 * requests object while they arrive, checking each item as it passes. Memory keeps one item,
 * the custom_ids seen so far and about 64 KiB of output, whatever the size of the batch.
 */
import { describeType, describeValue, invalidField, isPlainObject } from './input-values';
import {
  describeItemPosition,
  type ObjectProblemFactory,
  type RawRequestItem,
  RequestItemSplitter,
} from './request-splitter';
import { CUSTOM_ID_PATTERN, MAX_BATCH_REQUESTS } from './validate-input';

/** Limits that a create body must respect. */
export interface CreateBodyLimits {
  /** Maximum number of requests in the batch. */
  readonly maxRequests: number;
  /** Maximum size of the whole body, in bytes. */
  readonly maxBodyBytes: number;
  /** Maximum size of one request item, in bytes. */
  readonly maxItemBytes: number;
}

/**
 * The API's limits (Anthropic API overview, "Request size limits"): 100,000 requests and 256 MB
 * per Message Batch, and 32 MB for a Messages API request, which bounds one item. MB is taken
 * as 1,000,000 bytes, the smaller reading, so that a body this check lets through is not
 * rejected with 413.
 */
export const API_CREATE_BODY_LIMITS: CreateBodyLimits = {
  maxRequests: MAX_BATCH_REQUESTS,
  maxBodyBytes: 256_000_000,
  maxItemBytes: 32_000_000,
};

/** Progress of the body builder, which the create handler reads after a failure. */
export interface CreateBodyProgress {
  /** Requests checked and written to the body. */
  requestCount: number;
  /** Bytes of body produced, including the envelope. */
  bodyBytes: number;
  /** True once the last byte of the body, the closing `]}`, has been handed to the caller. */
  complete: boolean;
}

const BODY_START = '{"requests":[';
const BODY_END = ']}';
const COMMA = ',';
/** Output is handed on in pieces of about this size, so that the upload writes few, large chunks. */
const FLUSH_BYTES = 64 * 1024;

/**
 * Yields the create body for the requests object read from `chunks`. An invalid item, a format
 * error or a limit throws `InvalidInputError` naming the object, the line and the fix, before
 * the closing `]}` is yielded, so the body is never complete when a check fails.
 */
export async function* buildCreateBody(
  chunks: AsyncIterable<Uint8Array>,
  objectName: string,
  limits: CreateBodyLimits,
  progress: CreateBodyProgress,
): AsyncGenerator<Buffer> {
  const problem = requestsObjectProblem(objectName);
  const splitter = new RequestItemSplitter(limits.maxItemBytes, problem);
  const checker = new RequestItemChecker(limits, problem);
  const output = new OutputBuffer(progress);
  output.append(BODY_START);
  for await (const chunk of chunks) {
    for (const item of splitter.push(chunk)) output.appendItem(checker.check(item, progress));
    if (output.bytes >= FLUSH_BYTES) yield output.take();
  }
  for (const item of splitter.end()) output.appendItem(checker.check(item, progress));
  if (progress.requestCount === 0) {
    throw problem(
      'the object',
      'without requests',
      'a batch needs at least one request',
      'add at least one request object',
    );
  }
  output.append(BODY_END);
  const last = output.take();
  progress.complete = true;
  yield last;
}

/** Builds the InvalidInputError of a problem in the requests object named `objectName`. */
export function requestsObjectProblem(objectName: string): ObjectProblemFactory {
  return (subject, valueDescription, rule, fix) =>
    invalidField({
      context: `requests object ${objectName}`,
      field: subject,
      valueDescription,
      rule,
      fix,
    });
}

/** Checks each item as the API's create envelope requires and returns it as compact JSON. */
class RequestItemChecker {
  /** First position of each custom_id: the line for JSON Lines, the index for an array. */
  private readonly firstPositionByCustomId = new Map<string, number>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly limits: CreateBodyLimits,
    private readonly problem: ObjectProblemFactory,
  ) {}

  /** Checks one item and returns it as compact JSON, counting it in `progress`. */
  check(item: RawRequestItem, progress: CreateBodyProgress): string {
    const where = describeItemPosition(item);
    this.checkCount(item, where);

    const request = this.parse(item, where);
    this.checkFields(request, where);
    this.checkCustomId(request.custom_id, item, where);
    this.checkParams(request.params, where);

    const json = JSON.stringify(request);
    this.checkBodySize(json, item, where, progress);
    progress.requestCount += 1;
    return json;
  }

  private checkCount(item: RawRequestItem, where: string): void {
    if (item.index < this.limits.maxRequests) return;
    throw this.problem(
      where,
      `request number ${item.index + 1}`,
      `a batch may hold at most ${this.limits.maxRequests} requests`,
      `split the requests into objects of at most ${this.limits.maxRequests} requests`,
    );
  }

  private checkParams(params: unknown, where: string): void {
    if (isPlainObject(params)) return;
    const rule =
      'it must be an object of Messages API parameters (model, max_tokens, messages, ...)';
    throw this.problem(`params at ${where}`, describeType(params), rule, 'make params an object');
  }

  private checkBodySize(
    json: string,
    item: RawRequestItem,
    where: string,
    progress: CreateBodyProgress,
  ): void {
    const separatorBytes = progress.requestCount === 0 ? 0 : COMMA.length;
    const bodyBytes =
      progress.bodyBytes + separatorBytes + Buffer.byteLength(json) + BODY_END.length;
    if (bodyBytes <= this.limits.maxBodyBytes) return;
    throw this.problem(
      where,
      `the request that takes the create body past ${this.limits.maxBodyBytes} bytes`,
      `the body of one create request may be at most ${this.limits.maxBodyBytes} bytes`,
      `split the requests into objects that stay below that size; this one fits ${item.index} requests`,
    );
  }

  private parse(item: RawRequestItem, where: string): Record<string, unknown> {
    let text: string;
    try {
      text = this.decoder.decode(item.bytes);
    } catch {
      throw this.problem(
        where,
        'not valid UTF-8',
        'the object must be UTF-8 text',
        'save it as UTF-8',
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      // The parser's message may quote the text, which can be a prompt, so only the offset is kept.
      const offset = /position (\d+)/.exec((error as Error).message)?.[1];
      const at = offset === undefined ? '' : ` (error at character ${Number(offset) + 1})`;
      const rule =
        item.format === 'jsonl'
          ? 'each line must be one complete JSON object'
          : 'each item must be valid JSON';
      throw this.problem(where, `not valid JSON${at}`, rule, `correct the JSON of ${where}`);
    }
    if (!isPlainObject(value)) {
      const fix = 'make it an object {"custom_id": ..., "params": {...}}';
      throw this.problem(where, describeType(value), 'each request must be an object', fix);
    }
    return value;
  }

  private checkFields(request: Record<string, unknown>, where: string): void {
    for (const key of ['custom_id', 'params']) {
      if (!Object.hasOwn(request, key)) {
        const rule = 'each request needs custom_id and params';
        throw this.problem(`${key} at ${where}`, 'missing', rule, `add ${key}`);
      }
    }
    const extra = Object.keys(request).find((key) => key !== 'custom_id' && key !== 'params');
    if (extra !== undefined) {
      const rule = 'each request has exactly the fields custom_id and params';
      const fix = `remove ${extra}, or move it into params if it is a Messages API parameter`;
      throw this.problem(`${extra} at ${where}`, describeType(request[extra]), rule, fix);
    }
  }

  private checkCustomId(customId: unknown, item: RawRequestItem, where: string): void {
    const subject = `custom_id at ${where}`;
    if (typeof customId !== 'string' || !CUSTOM_ID_PATTERN.test(customId)) {
      const rule = `it must match ${CUSTOM_ID_PATTERN.source} (letters, digits, _ and -, at most 64)`;
      throw this.problem(subject, describeValue(customId), rule, 'rename it');
    }
    const position = item.format === 'jsonl' ? item.line : item.index;
    const first = this.firstPositionByCustomId.get(customId);
    if (first !== undefined) {
      const firstWhere = item.format === 'jsonl' ? `line ${first}` : `item [${first}]`;
      const rule = `it must be unique in the batch, but ${firstWhere} has the same custom_id`;
      throw this.problem(subject, describeValue(customId), rule, `rename one of the two`);
    }
    this.firstPositionByCustomId.set(customId, position);
  }
}

/**
 * Collects output as strings until it is taken as one Buffer, counting every byte in
 * `progress.bodyBytes`. Strings live in the V8 heap, which is collected often, so a batch of
 * small requests makes one Buffer per 64 KiB instead of one per request.
 */
class OutputBuffer {
  private parts: string[] = [];
  bytes = 0;

  constructor(private readonly progress: CreateBodyProgress) {}

  append(part: string): void {
    const bytes = Buffer.byteLength(part);
    this.parts.push(part);
    this.bytes += bytes;
    this.progress.bodyBytes += bytes;
  }

  /** Appends one request, after a comma unless it is the first. */
  appendItem(json: string): void {
    if (this.progress.requestCount > 1) this.append(COMMA);
    this.append(json);
  }

  take(): Buffer {
    const joined = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.bytes = 0;
    return joined;
  }
}
