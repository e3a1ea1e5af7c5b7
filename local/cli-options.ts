/** Log levels that the handlers' logger accepts from the runner. */
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Options of `npm run local` that are checked before anything starts. */
export interface RunnerOptions {
  readonly apiUrl?: string;
  readonly fast: boolean;
  readonly logLevel?: string;
}

/**
 * Returns why the options cannot work together, naming the option and the fix, or undefined.
 * `--fast` is limited to loopback servers: its waits of milliseconds would spend the poll
 * budget in seconds, and against the real API a batch still canceling would be left behind.
 */
export function checkRunnerOptions(options: RunnerOptions): string | undefined {
  if (options.logLevel !== undefined && !LOG_LEVELS.includes(options.logLevel)) {
    return `--log-level is "${options.logLevel}"; use one of ${LOG_LEVELS.join(', ')}.`;
  }
  if (options.apiUrl === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(options.apiUrl);
  } catch {
    return `--api-url is "${options.apiUrl}", which is not a URL; pass one such as http://127.0.0.1:8787.`;
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return `--api-url is "${options.apiUrl}"; use https://, or http:// on a loopback host, so the key never travels in clear text.`;
  }
  if (options.fast && !loopback) {
    return `--fast shortens every wait to milliseconds, so it works only against a local server; drop --fast for ${url.host}.`;
  }
  return undefined;
}

/** Shortens Node's parseArgs message to its first sentence, which names the bad option. */
export function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstSentence = message.split('. ')[0] ?? message;
  return firstSentence.endsWith('.') ? firstSentence : `${firstSentence}.`;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
