import { readFileSync } from 'node:fs';

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
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return new Error(
      `Input file ${file} is not valid JSON: ${(error as Error).message}. ` +
        'Fix: the file must hold one JSON object such as {"requests": [...]}.',
    );
  }
}
