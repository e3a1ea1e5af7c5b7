/** Report sections on the handlers: goals, bundle size and warm calls. */
import { BUNDLE_GOAL_BYTES, type BundleSizeRow } from './bundle-size';
import { COLD_START_GOAL_OVER_EMPTY_MS, type ColdStartResult } from './cold-start';
import { HISTORY_EVENT_LIMIT } from './history-model';
import type { BenchResults } from './report';
import { handlerRow } from './report-cold-start';
import { count, ms, range, signedMs, spread, table, verdict } from './report-format';
import { TRANSITIONS_PER_CYCLE_GOAL } from './transitions';
import { WARM_GOAL_RATIO, type WarmCallsSummary } from './warm-calls';

/** Builds the goals table: one row per goal with the measured result and the verdict. */
export function goalRows(results: BenchResults): string[][] {
  const rows = [
    bundleGoal(results.bundleSizes),
    coldStartGoal(results.coldStarts),
    warmGoal(results.warmCalls),
    transitionsGoal(results),
    historyGoal(results),
  ];
  return rows.filter((row): row is string[] => row !== undefined);
}

function bundleGoal(sizes: BundleSizeRow[]): string[] | undefined {
  const largest = [...sizes].sort((a, b) => b.bytes - a.bytes)[0];
  if (largest === undefined) return undefined;
  const missed = sizes.filter((row) => !row.meetsGoal);
  const missedBy = missed
    .map((row) => `${count(row.overGoalBytes)} bytes (${row.operation})`)
    .join(', ');
  return [
    `bundle of each handler at most ${count(BUNDLE_GOAL_BYTES)} bytes`,
    `largest: ${largest.operation}, ${count(largest.bytes)} bytes`,
    verdict(missed.length === 0, missedBy),
  ];
}

function coldStartGoal(result: ColdStartResult): string[] | undefined {
  const handlers = result.rows.filter((row) => handlerRow(row));
  const slowest = [...handlers].sort((a, b) => b.overEmptyMs - a.overEmptyMs)[0];
  if (slowest === undefined) return undefined;
  const over = slowest.overEmptyMs;
  return [
    `cold start at most ${COLD_START_GOAL_OVER_EMPTY_MS} ms above the empty handler`,
    `slowest: ${slowest.name}, ${ms(over)} ms above`,
    verdict(
      over <= COLD_START_GOAL_OVER_EMPTY_MS,
      `${ms(over - COLD_START_GOAL_OVER_EMPTY_MS)} ms`,
    ),
  ];
}

function warmGoal(warmCalls: WarmCallsSummary): string[] {
  const ratio = warmCalls.handlerRatio;
  const handlerMs = ms(warmCalls.handlerMs.median);
  const rawMs = ms(warmCalls.rawFetchMs.median);
  return [
    `warm retrieve call at most ${WARM_GOAL_RATIO}× a raw fetch`,
    `${ratio.toFixed(2)}× (${handlerMs} ms against ${rawMs} ms, ${signedMs(warmCalls.handlerMs.median - warmCalls.rawFetchMs.median)} ms)`,
    verdict(ratio <= WARM_GOAL_RATIO, `${(ratio - WARM_GOAL_RATIO).toFixed(2)}×`),
  ];
}

function transitionsGoal(results: BenchResults): string[] {
  const perCycle = results.transitions.transitionsPerCycle;
  return [
    `at most ${TRANSITIONS_PER_CYCLE_GOAL} state transitions per poll cycle`,
    `${perCycle} per cycle`,
    verdict(
      perCycle <= TRANSITIONS_PER_CYCLE_GOAL,
      `${perCycle - TRANSITIONS_PER_CYCLE_GOAL} transitions`,
    ),
  ];
}

/** Compares the longest measured run with the history limit, once a run reached maxPollRetries. */
function historyGoal(results: BenchResults): string[] | undefined {
  const longest = [...results.transitions.rows].sort((a, b) => b.awsEvents - a.awsEvents)[0];
  if (longest === undefined || longest.polls <= results.deployed.maxPollRetries) return undefined;
  const margin = HISTORY_EVENT_LIMIT - longest.awsEvents;
  return [
    `${longest.polls}-poll run under ${count(HISTORY_EVENT_LIMIT)} history events`,
    `${count(longest.awsEvents)} events (estimate), margin ${count(margin)}`,
    verdict(margin > 0, `${count(-margin)} events`),
  ];
}

/** Section 1: bundle sizes next to the SDK variants, and what takes the space. */
export function renderBundleSizes(rows: BundleSizeRow[]): string {
  const sizeRows = rows.map((row) => [
    row.operation,
    count(row.bytes),
    verdict(row.meetsGoal, `${count(row.overGoalBytes)} bytes`),
    count(row.sdkVariantBytes),
    `${(row.sdkVariantBytes / row.bytes).toFixed(1)}×`,
    row.externalPackages.join(', '),
  ]);
  const largest = [...rows].sort((a, b) => b.bytes - a.bytes)[0];
  const parts = [
    '## 1. Bundle size',
    'Each handler is bundled with the esbuild options that NodejsFunction gets from ' +
      'lib/batch-functions.ts: bundle, minify, no source map, target node24, CommonJS, ' +
      'platform node, `@aws-sdk/*` external. The SDK variants in scripts/bench/variants/ replace ' +
      'only the HTTP client with `new Anthropic({...}).messages.batches.*` and are bundled the ' +
      `same way. Sizes are bytes of index.js; the goal is ${count(BUNDLE_GOAL_BYTES)} bytes ` +
      '(50 KB in decimal units). The last column lists the packages that each bundle leaves ' +
      'out and loads with require only on the code path that uses them.',
    table(
      [
        'handler',
        'deployed bundle',
        'goal',
        'with the Anthropic SDK client',
        'SDK variant against ours',
        'external packages loaded on demand',
      ],
      sizeRows,
    ),
  ];
  if (largest !== undefined) {
    const files = largest.largestProjectFiles
      .map((file) => `${file.source} ${count(file.bytes)}`)
      .join(', ');
    parts.push(
      `What takes the space in ${largest.operation}, the largest bundle, from the esbuild metafile:`,
      table(
        ['source', 'bytes'],
        largest.shares.map((share) => [share.source, count(share.bytes)]),
      ),
      `Its largest project files, in output bytes: ${files}.`,
    );
  }
  parts.push(bundleFindings(rows));
  return parts.join('\n\n');
}

function bundleFindings(rows: BundleSizeRow[]): string {
  const missed = rows.filter((row) => !row.meetsGoal);
  if (missed.length > 0) {
    return `Over the goal: ${missed.map((row) => `${row.operation} by ${count(row.overGoalBytes)} bytes`).join(', ')}.`;
  }
  const largest = Math.max(...rows.map((row) => row.bytes));
  return `Every handler meets the goal, the largest with ${count(BUNDLE_GOAL_BYTES - largest)} bytes to spare.`;
}

/** Section 3: warm calls of the retrieve handler against a raw fetch and a raw node:http call. */
export function renderWarmCalls(result: WarmCallsSummary): string {
  const row = (name: string, summary: WarmCallsSummary['handlerMs']): string[] => [
    name,
    spread(summary, (value) => value.toFixed(3)),
    range(summary, (value) => value.toFixed(3)),
    `${(summary.median / result.rawFetchMs.median).toFixed(2)}×`,
    `${(summary.median / result.rawHttpMs.median).toFixed(2)}×`,
  ];
  const overHttp = result.handlerMs.median - result.rawHttpMs.median;
  return [
    '## 3. Warm overhead',
    'One process loads the retrieve bundle and its SDK variant, warms them up, then calls the ' +
      'retrieve handler, the SDK variant, a raw `fetch` and a raw node:http request of the same ' +
      'emulator URL with the same headers (each followed by parsing the JSON body) in rotating ' +
      'order. The raw node:http request uses a keep-alive agent, as the handler does and as ' +
      'fetch does by default. The handler logs at the deployed level (INFO) to stdout, which ' +
      'goes to /dev/null. Times in ms.',
    table(
      ['client', 'per call', 'min–max', 'median against raw fetch', 'against raw node:http'],
      [
        row('retrieve handler', result.handlerMs),
        row('retrieve handler, Anthropic SDK client', result.sdkVariantMs),
        row('raw fetch', result.rawFetchMs),
        row('raw node:http request', result.rawHttpMs),
      ],
    ),
    `The goal compares the handler with a raw fetch. The handler sends its request with ` +
      `node:http, which is faster than fetch on loopback, so the fairer measure of its own ` +
      `overhead is the last column: ${signedMs(overHttp)} ms per median call over a raw node:http ` +
      `request, for its Lambda boundary, event checks, cached key read, log line and result ` +
      `mapping. A call to api.anthropic.com takes longer than a loopback round trip, so the same ` +
      `overhead is a smaller share there.`,
  ].join('\n\n');
}
