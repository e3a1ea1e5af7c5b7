import { readFileSync } from 'node:fs';
import { MAX_INPUT_DEPTH, describeOversize, measureJsonDepth } from './input-limits';

/** Reads and parses the input file; a problem comes back as an Error that names the file. */
export function readInputFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new Error(
      `Cannot read input file ${file} (${reason}). Fix: pass the path of a JSON file.`,
    );
  }
  // Checked on the text first: a file far over the limit, or nested thousands of levels deep,
  // must get a clear error instead of exhausting memory or the stack.
  const oversize = describeOversize(Buffer.byteLength(text));
  if (oversize !== undefined) {
    return new Error(`Input file ${file}: ${oversize}`);
  }
  const depth = measureJsonDepth(text);
  if (depth > MAX_INPUT_DEPTH) {
    return new Error(
      `Input file ${file} nests arrays and objects ${depth} levels deep; at most ` +
        `${MAX_INPUT_DEPTH} are accepted. Fix: flatten the structure of the requests.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new Error(
      `Input file ${file} is not valid JSON: ${(error as Error).message}. ` +
        'Fix: the file must hold one JSON object such as {"requests": [...]}.',
    );
  }
}
