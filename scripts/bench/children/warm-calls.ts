/**
 * Child process of the warm-overhead measurement: times warm calls of the retrieve handler, of
 * its SDK variant, of a raw fetch and of a raw node:http request of the same endpoint,
 * interleaved so that all four see the same machine state. Usage: node warm-calls.js CONFIG_FILE RESULT_FILE
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { rawGet } from '../variants/raw-get';
import { type HandlerModule, lambdaContext } from './lambda-context';
import { installLoopbackGuard } from '../../../test/loopback-guard';

/** Settings that the parent writes to CONFIG_FILE. */
export interface WarmCallsConfig {
  readonly handlerBundle: string;
  readonly sdkVariantBundle: string;
  readonly batchId: string;
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly warmUpCalls: number;
  readonly calls: number;
}

/** Duration of every measured call, in milliseconds, by client. */
export interface WarmCallsResult {
  readonly handlerMs: number[];
  readonly sdkVariantMs: number[];
  readonly rawFetchMs: number[];
  readonly rawHttpMs: number[];
}

type Call = () => Promise<unknown>;

async function main(): Promise<void> {
  installLoopbackGuard();
  const [configFile, resultFile] = process.argv.slice(2);
  if (configFile === undefined || resultFile === undefined) {
    throw new Error('Usage: node warm-calls.js CONFIG_FILE RESULT_FILE');
  }
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as WarmCallsConfig;

  const loadModule = createRequire(__filename);
  const handler = loadModule(config.handlerBundle) as HandlerModule;
  const sdkVariant = loadModule(config.sdkVariantBundle) as HandlerModule;
  const event = { batchId: config.batchId, anthropicVersion: '2023-06-01', pollCount: 1 };
  const context = lambdaContext('retrieveMessageBatch');
  const agent = new Agent({ keepAlive: true });
  const url = `${config.apiUrl}/v1/messages/batches/${encodeURIComponent(config.batchId)}`;

  const headers = {
    'x-api-key': config.apiKey,
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
  };
  const calls: Call[] = [
    () => handler.handler(event, context),
    () => sdkVariant.handler(event, context),
    async () => (await fetch(url, { headers })).json(),
    async () => JSON.parse(await rawGet(url, headers, agent)) as unknown,
  ];

  const timings: number[][] = [[], [], [], []];
  for (let index = 0; index < config.warmUpCalls + config.calls; index += 1) {
    for (let offset = 0; offset < calls.length; offset += 1) {
      const clientIndex = (index + offset) % calls.length;
      const startedMs = performance.now();
      await calls[clientIndex]?.();
      if (index >= config.warmUpCalls) timings[clientIndex]?.push(performance.now() - startedMs);
    }
  }

  const [handlerMs = [], sdkVariantMs = [], rawFetchMs = [], rawHttpMs = []] = timings;
  const result: WarmCallsResult = { handlerMs, sdkVariantMs, rawFetchMs, rawHttpMs };
  writeFileSync(resultFile, JSON.stringify(result));
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
