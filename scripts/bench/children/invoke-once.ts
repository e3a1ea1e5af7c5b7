/**
 * Child process of the cold-start and large-submit measurements: loads one handler bundle,
 * parses one event and invokes the handler once, as the Lambda runtime does in a new execution
 * environment. Usage: node invoke-once.js BUNDLE EVENT_FILE RESULT_FILE
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { type HandlerModule, lambdaContext } from './lambda-context';
import { installLoopbackGuard } from '../../../test/loopback-guard';
import { peakRssKb } from './peak-rss';

/** Result that the child writes to RESULT_FILE, in milliseconds and kilobytes. */
export interface InvokeOnceResult {
  /** Time to load the bundle, like the Lambda INIT phase. */
  readonly loadMs: number;
  /** Time of the first invocation. */
  readonly invokeMs: number;
  /** Peak RSS after loading the bundle and parsing the event. */
  readonly peakRssBeforeInvokeKb: number;
  /** Peak RSS of the whole process. */
  readonly peakRssKb: number;
  readonly eventBytes: number;
  /** Error name and message when the handler threw. */
  readonly error?: string;
}

async function main(): Promise<void> {
  installLoopbackGuard();
  const [bundlePath, eventFile, resultFile] = process.argv.slice(2);
  if (bundlePath === undefined || eventFile === undefined || resultFile === undefined) {
    throw new Error('Usage: node invoke-once.js BUNDLE EVENT_FILE RESULT_FILE');
  }

  // The Lambda runtime interface client loads node:http and creates its keep-alive Agent before
  // it imports the handler (src/client/rapid-client.ts), so a handler finds both ready.
  const runtimeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  const loadModule = createRequire(__filename);
  const startedMs = performance.now();
  const handlerModule = loadModule(bundlePath) as HandlerModule;
  const loadedMs = performance.now();

  const eventText = readFileSync(eventFile, 'utf8');
  const event = JSON.parse(eventText) as unknown;
  const peakRssBeforeInvokeKb = peakRssKb();

  const invokeStartedMs = performance.now();
  let error: string | undefined;
  try {
    await handlerModule.handler(event, lambdaContext('bench'));
  } catch (thrown) {
    error = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  }

  const result: InvokeOnceResult = {
    loadMs: loadedMs - startedMs,
    invokeMs: performance.now() - invokeStartedMs,
    peakRssBeforeInvokeKb,
    peakRssKb: peakRssKb(),
    eventBytes: Buffer.byteLength(eventText),
    error,
  };
  writeFileSync(resultFile, JSON.stringify(result));
  runtimeAgent.destroy();
  // Keep-alive sockets of fetch and the AWS SDK would hold the process open.
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
