/**
 * Incremental splitter of a requests object into its items, so that a batch of any size passes
 * through memory one item at a time.
 *
 * Two formats are accepted, distinguished by the first character: `{` starts JSON Lines (one
 * request object per line) and `[` starts a JSON array of request objects. The splitter works on
 * UTF-8 bytes: every byte that JSON structure depends on is ASCII, and no byte of a multi-byte
 * UTF-8 sequence is below 0x80, so a chunk boundary inside a character does no harm.
 */

/** Format of a requests object. */
export type RequestsFormat = 'jsonl' | 'array';

/** One item cut from the object, not parsed yet. */
export interface RawRequestItem {
  readonly format: RequestsFormat;
  /** The item's bytes, UTF-8 JSON; a view of the pushed chunk when the item lies in one chunk. */
  readonly bytes: Buffer;
  /** Position among the items, from 0. */
  readonly index: number;
  /** Line of the object on which the item starts, from 1. */
  readonly line: number;
}

/** Builds the error for a problem of the object: the subject, its description, the rule, the fix. */
export type ObjectProblemFactory = (
  subject: string,
  valueDescription: string,
  rule: string,
  fix: string,
) => Error;

const Byte = {
  Tab: 0x09,
  LineFeed: 0x0a,
  CarriageReturn: 0x0d,
  Space: 0x20,
  Quote: 0x22,
  Comma: 0x2c,
  OpenBracket: 0x5b,
  Backslash: 0x5c,
  CloseBracket: 0x5d,
  OpenBrace: 0x7b,
  CloseBrace: 0x7d,
  /** First byte of a gzip stream. */
  GzipMagic: 0x1f,
} as const;

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const ONE_REQUEST = '{"custom_id": "first", "params": {...}}';

type ArrayState = 'beforeFirstItem' | 'beforeItem' | 'inItem' | 'afterItem' | 'closed';
type ItemKind = 'container' | 'string' | 'scalar';

/** Describes where an item is, as messages name it: `line 7`, or `item [4] on line 12`. */
export function describeItemPosition(
  item: Pick<RawRequestItem, 'format' | 'index' | 'line'>,
): string {
  return item.format === 'jsonl'
    ? `line ${item.line}`
    : `item [${item.index}] on line ${item.line}`;
}

/**
 * Splits the bytes given to `push` into items. Call `end` after the last chunk: it returns the
 * last items, and throws when the object ends inside an item or an unclosed array. Each problem
 * throws the error that `problem` builds, naming the line.
 */
export class RequestItemSplitter {
  private format: RequestsFormat | undefined;
  private streamOffset = 0;
  private bomBytesSeen = 0;
  private line = 1;
  private index = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private itemLine = 1;
  private arrayState: ArrayState = 'beforeFirstItem';
  private itemKind: ItemKind = 'container';
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly maxItemBytes: number,
    private readonly problem: ObjectProblemFactory,
  ) {}

  /** Splits one chunk and returns the items that it completed. */
  push(chunk: Uint8Array): RawRequestItem[] {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const items: RawRequestItem[] = [];
    let start = 0;
    if (this.format === undefined) {
      start = this.detectFormat(bytes);
      if (this.format === undefined) return items;
    }
    if (this.format === 'jsonl') {
      this.splitLines(bytes, start, items);
    } else {
      this.splitArray(bytes, start, items);
    }
    return items;
  }

  /** Returns the item that the last line holds, or throws when the object is incomplete. */
  end(): RawRequestItem[] {
    if (this.format === undefined) {
      throw this.problem(
        'the object',
        'empty',
        'it must hold JSON Lines (one request object per line) or a JSON array of request objects',
        `upload the requests, such as one line ${ONE_REQUEST} per request`,
      );
    }
    if (this.format === 'jsonl') {
      const items: RawRequestItem[] = [];
      this.finishLine(items);
      return items;
    }
    if (this.arrayState !== 'closed') {
      const where = this.arrayState === 'inItem' ? `inside item [${this.index}]` : 'before the ]';
      throw this.problem(
        'the JSON array',
        `not closed: the object ends ${where} on line ${this.line}`,
        'a JSON array of requests must end with ]',
        'upload the whole file; it may have been cut off',
      );
    }
    return [];
  }

  /** Skips a byte order mark and whitespace, then sets the format from the first character. */
  private detectFormat(bytes: Buffer): number {
    for (let i = 0; i < bytes.length; i += 1) {
      const byte = bytes[i] as number;
      // A byte order mark counts only as the very first bytes of the object.
      if (this.streamOffset + i === this.bomBytesSeen && byte === UTF8_BOM[this.bomBytesSeen]) {
        this.bomBytesSeen += 1;
        continue;
      }
      if (byte === Byte.LineFeed) this.line += 1;
      if (isWhitespace(byte)) continue;
      this.selectFormat(byte);
      this.streamOffset += bytes.length;
      return byte === Byte.OpenBracket ? i + 1 : i;
    }
    this.streamOffset += bytes.length;
    return bytes.length;
  }

  private selectFormat(byte: number): void {
    if (byte === Byte.OpenBrace) {
      this.format = 'jsonl';
      this.itemLine = this.line;
      return;
    }
    if (byte === Byte.OpenBracket) {
      this.format = 'array';
      return;
    }
    const rule =
      'it must hold JSON Lines (one request object per line) or a JSON array of request objects';
    if (byte === Byte.GzipMagic) {
      throw this.problem(
        'the object',
        'compressed (it starts like gzip)',
        rule,
        'upload it uncompressed',
      );
    }
    throw this.problem(
      'the object',
      `starting with byte 0x${byte.toString(16).padStart(2, '0')} on line ${this.line}`,
      `${rule}, so its first character must be { or [`,
      `upload one request object per line, such as ${ONE_REQUEST}`,
    );
  }

  private splitLines(bytes: Buffer, start: number, items: RawRequestItem[]): void {
    let lineStart = start;
    let newline = bytes.indexOf(Byte.LineFeed, lineStart);
    while (newline !== -1) {
      this.appendPart(bytes.subarray(lineStart, newline));
      this.finishLine(items);
      this.line += 1;
      this.itemLine = this.line;
      lineStart = newline + 1;
      newline = bytes.indexOf(Byte.LineFeed, lineStart);
    }
    this.appendPart(bytes.subarray(lineStart));
  }

  /** Ends the current line: a line of only whitespace is skipped, any other is an item. */
  private finishLine(items: RawRequestItem[]): void {
    let line = this.takeParts();
    if (line.length > 0 && line[line.length - 1] === Byte.CarriageReturn) {
      line = line.subarray(0, line.length - 1);
    }
    if (line.every(isWhitespace)) return;
    items.push({ format: 'jsonl', bytes: line, index: this.index, line: this.itemLine });
    this.index += 1;
  }

  private splitArray(bytes: Buffer, start: number, items: RawRequestItem[]): void {
    let itemStart = this.arrayState === 'inItem' ? start : -1;
    for (let i = start; i < bytes.length; i += 1) {
      const byte = bytes[i] as number;
      if (this.arrayState === 'inItem') {
        const end = this.scanItemByte(byte);
        if (end === 'continue') {
          if (byte === Byte.LineFeed) this.line += 1;
          continue;
        }
        const last = end === 'includes' ? i + 1 : i;
        this.appendPart(bytes.subarray(itemStart, last));
        items.push(this.takeArrayItem());
        itemStart = -1;
        if (end === 'includes') continue;
      }
      if (byte === Byte.LineFeed) this.line += 1;
      if (this.startsItem(byte)) itemStart = i;
    }
    if (itemStart !== -1) this.appendPart(bytes.subarray(itemStart));
  }

  /**
   * Reads one byte outside an item. Returns true when the byte starts an item; throws when it
   * breaks the array's syntax.
   */
  private startsItem(byte: number): boolean {
    if (isWhitespace(byte)) return false;
    const state = this.arrayState;
    if (state === 'closed') {
      throw this.arraySyntax(`content after the closing ] on line ${this.line}`, 'remove it');
    }
    if (state === 'afterItem') {
      if (byte === Byte.Comma) this.arrayState = 'beforeItem';
      else if (byte === Byte.CloseBracket) this.arrayState = 'closed';
      else throw this.arraySyntax(`missing a comma before line ${this.line}`, 'add the comma');
      return false;
    }
    if (byte === Byte.CloseBracket) {
      if (state === 'beforeItem') {
        throw this.arraySyntax(`a comma before ] on line ${this.line}`, 'remove the last comma');
      }
      this.arrayState = 'closed';
      return false;
    }
    if (byte === Byte.Comma) {
      throw this.arraySyntax(`an empty item before line ${this.line}`, 'remove the extra comma');
    }
    this.beginItem(byte);
    return true;
  }

  private beginItem(byte: number): void {
    this.arrayState = 'inItem';
    this.itemLine = this.line;
    this.itemKind =
      byte === Byte.OpenBrace || byte === Byte.OpenBracket
        ? 'container'
        : byte === Byte.Quote
          ? 'string'
          : 'scalar';
    this.depth = this.itemKind === 'container' ? 1 : 0;
    this.inString = this.itemKind === 'string';
    this.escaped = false;
  }

  /**
   * Reads one byte after the first byte of an item: 'includes' when the byte ends the item,
   * 'excludes' when the item ended just before it (a number, true, false or null ends at a
   * delimiter), otherwise 'continue'.
   */
  private scanItemByte(byte: number): 'continue' | 'includes' | 'excludes' {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (byte === Byte.Backslash) this.escaped = true;
      else if (byte === Byte.Quote) {
        this.inString = false;
        if (this.itemKind === 'string') return 'includes';
      }
      return 'continue';
    }
    if (this.itemKind === 'scalar') {
      const delimiter = byte === Byte.Comma || byte === Byte.CloseBracket || isWhitespace(byte);
      return delimiter ? 'excludes' : 'continue';
    }
    if (byte === Byte.Quote) this.inString = true;
    else if (byte === Byte.OpenBrace || byte === Byte.OpenBracket) this.depth += 1;
    else if (byte === Byte.CloseBrace || byte === Byte.CloseBracket) {
      this.depth -= 1;
      if (this.depth === 0) return 'includes';
    }
    return 'continue';
  }

  private takeArrayItem(): RawRequestItem {
    const bytes = this.takeParts();
    this.arrayState = 'afterItem';
    const item = { format: 'array' as const, bytes, index: this.index, line: this.itemLine };
    this.index += 1;
    return item;
  }

  /** Keeps a piece of the current item, failing once the item is larger than maxItemBytes. */
  private appendPart(part: Buffer): void {
    if (part.length === 0) return;
    this.partsBytes += part.length;
    if (this.partsBytes > this.maxItemBytes) {
      const where = describeItemPosition({
        format: this.format ?? 'jsonl',
        index: this.index,
        line: this.itemLine,
      });
      throw this.problem(
        where,
        `larger than ${this.maxItemBytes} bytes`,
        `one request may be at most ${this.maxItemBytes} bytes`,
        'shorten that request, for example by sending large documents through the Files API',
      );
    }
    this.parts.push(part);
  }

  /** Returns the pieces of the item as one Buffer, copying only when there are several. */
  private takeParts(): Buffer {
    const parts = this.parts;
    const bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, this.partsBytes);
    this.parts = [];
    this.partsBytes = 0;
    return bytes;
  }

  private arraySyntax(problem: string, fix: string): Error {
    return this.problem(
      'the JSON array',
      `not valid JSON: it has ${problem}`,
      'requests must form one JSON array',
      fix,
    );
  }
}

function isWhitespace(byte: number): boolean {
  return (
    byte === Byte.Space ||
    byte === Byte.LineFeed ||
    byte === Byte.CarriageReturn ||
    byte === Byte.Tab
  );
}
