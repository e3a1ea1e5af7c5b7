import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkRunnerOptions, describeParseError } from '../../local/cli-options';
import { readInputFile } from '../../local/input-file';
import { measureJsonDepth } from '../../local/input-limits';

function writeInput(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'runner-input-')), 'input.json');
  writeFileSync(file, content);
  return file;
}

describe('runner option checks', () => {
  it.each([
    { options: { fast: false, logLevel: 'TRACE' }, message: /--log-level is "TRACE"/ },
    { options: { fast: false, apiUrl: 'not a url' }, message: /not a URL/ },
    { options: { fast: false, apiUrl: 'ftp://x' }, message: /use https:\/\// },
    { options: { fast: false, apiUrl: 'http://10.0.0.1' }, message: /loopback host/ },
    { options: { fast: true, apiUrl: 'https://api.anthropic.com' }, message: /drop --fast/ },
  ])('rejects $options', ({ options, message }) => {
    expect(checkRunnerOptions(options)).toMatch(message);
  });

  it.each([
    { fast: true, apiUrl: 'http://127.0.0.1:8787', logLevel: 'INFO' },
    { fast: false, apiUrl: 'https://api.anthropic.com' },
    { fast: true },
  ])('accepts $apiUrl with fast $fast', (options) => {
    expect(checkRunnerOptions(options)).toBeUndefined();
  });

  it('keeps the first sentence of a parse error', () => {
    const error = new TypeError(
      "Unknown option '--fsat'. To specify a positional argument starting with a '-', place it",
    );
    expect(describeParseError(error)).toBe("Unknown option '--fsat'.");
  });
});

describe('input file limits', () => {
  it('measures depth outside strings only', () => {
    expect(measureJsonDepth('{"a": [1, {"b": "[[[{{{"}]}')).toBe(3);
  });

  it('rejects a deeply nested file', () => {
    const nested = `{"requests": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const result = readInputFile(writeInput(nested));
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/5001 levels deep/);
  });

  it('rejects a file over 256 KiB before parsing', () => {
    const result = readInputFile(writeInput(`{"requests": "${'x'.repeat(300 * 1024)}"}`));
    expect((result as Error).message).toMatch(/256 KiB/);
  });
});
