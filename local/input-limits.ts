import { STATE_PAYLOAD_LIMIT_BYTES } from './lambda-emulation';

/** Deepest nesting of arrays and objects that an input file may have. */
export const MAX_INPUT_DEPTH = 256;

/**
 * Returns why StartExecution would reject the input for its size, or undefined when it fits.
 * Step Functions limits an execution input to 256 KiB of UTF-8.
 */
export function checkInputSize(input: unknown): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(input) ?? '');
  return describeOversize(bytes);
}

/** Returns the size error for an input of this many bytes, or undefined when it fits. */
export function describeOversize(bytes: number): string | undefined {
  if (bytes <= STATE_PAYLOAD_LIMIT_BYTES) {
    return undefined;
  }
  return (
    `Invalid execution input: the input is ${bytes} bytes; Step Functions accepts at most ` +
    `${STATE_PAYLOAD_LIMIT_BYTES} bytes (256 KiB). Fix: split the requests into several ` +
    'batches, or put them in S3 and pass requestsS3Uri.'
  );
}

/**
 * Returns the nesting depth of JSON text without parsing it, so that a pathological file
 * cannot exhaust the stack of a recursive parser or serializer.
 */
export function measureJsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '{' || char === '[') {
      depth += 1;
      deepest = Math.max(deepest, depth);
    } else if (char === '}' || char === ']') {
      depth -= 1;
    }
  }
  return deepest;
}
