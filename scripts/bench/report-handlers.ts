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

/** Section 1: bundle sizes, what takes the space, and the effect of two changes. */
export function renderBundleSizes(rows: BundleSizeRow[]): string {
  const sizeRows = rows.map((row) => [
    row.operation,
    count(row.bytes),
    verdict(row.meetsGoal, `${count(row.overGoalBytes)} bytes`),
    count(row.sdkVariantBytes),
    count(row.dedupedCommonsBytes),
    count(row.directSecretReadBytes),
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
      '(50 KB in decimal units). "With one copy of Powertools commons" and "without Powertools ' +
      'parameters" are bundling experiments, not deployed code. The last column lists the ' +
      'packages that each bundle leaves out and loads with require when it starts.',
    table(
      [
        'handler',
        'deployed bundle',
        'goal',
        'with the Anthropic SDK client',
        'with one copy of Powertools commons',
        'without Powertools parameters',
        'external packages loaded',
      ],
      sizeRows,
    ),
  ];
  if (largest !== undefined) {
    parts.push(
      `What takes the space in ${largest.operation}, from the esbuild metafile:`,
      table(
        ['source', 'bytes'],
        largest.shares.map((share) => [share.source, count(share.bytes)]),
      ),
    );
  }
  parts.push(bundleFindings(rows));
  return parts.join('\n\n');
}

function bundleFindings(rows: BundleSizeRow[]): string {
  const missed = rows.filter((row) => !row.meetsGoal);
  if (missed.length === 0) return 'Every handler meets the goal.';
  const lines = missed.map((row) => {
    const dedupe = row.bytes - row.dedupedCommonsBytes;
    const direct = row.bytes - row.directSecretReadBytes;
    const projectFiles = row.largestProjectFiles
      .map((file) => `${file.source} ${count(file.bytes)}`)
      .join(', ');
    return (
      `- ${row.operation} is ${count(row.overGoalBytes)} bytes over. One copy of Powertools ` +
      `commons would save ${count(dedupe)} bytes (${count(row.dedupedCommonsBytes)}, ` +
      `${row.dedupedCommonsBytes <= BUNDLE_GOAL_BYTES ? 'under' : 'still over'} the goal). ` +
      `Reading the secret with GetSecretValue of the runtime's AWS SDK instead of Powertools ` +
      `parameters would save ${count(direct)} bytes (${count(row.directSecretReadBytes)}, ` +
      `${row.directSecretReadBytes <= BUNDLE_GOAL_BYTES ? 'under' : 'still over'} the goal). ` +
      `Its largest project files, in output bytes: ${projectFiles}.`
    );
  });
  return [
    'Changes that would bring the handlers under the goal:',
    lines.join('\n'),
    'Powertools parameters brings its own copy of Powertools commons when its version differs ' +
      "from the logger's, and the SDK client that it wraps is external anyway. A direct " +
      'GetSecretValue call with a 300 s in-memory cache, as scripts/bench/variants/' +
      'direct-secret-read.ts sketches, keeps the behaviour and drops both.',
  ].join('\n\n');
}

/** Section 3: warm calls of the retrieve handler against a raw fetch. */
export function renderWarmCalls(result: WarmCallsSummary): string {
  const row = (name: string, summary: WarmCallsSummary['handlerMs'], ratio?: number): string[] => [
    name,
    spread(summary, (value) => value.toFixed(3)),
    range(summary, (value) => value.toFixed(3)),
    ratio === undefined ? '1.00×' : `${ratio.toFixed(2)}×`,
  ];
  return [
    '## 3. Warm overhead',
    'One process loads the retrieve bundle and its SDK variant, warms both up, then calls the ' +
      'retrieve handler, the SDK variant and a raw `fetch` of the same emulator URL with the ' +
      'same headers (followed by `response.json()`) in rotating order. The handler logs at the ' +
      'deployed level (INFO) to stdout, which goes to /dev/null. Times in ms.',
    table(
      ['client', 'per call', 'min–max', 'median against raw fetch'],
      [
        row('retrieve handler', result.handlerMs, result.handlerRatio),
        row('retrieve handler, Anthropic SDK client', result.sdkVariantMs, result.sdkVariantRatio),
        row('raw fetch', result.rawFetchMs),
      ],
    ),
    `The handler adds ${(result.handlerMs.median - result.rawFetchMs.median).toFixed(3)} ms to the median call. That time covers its Lambda boundary, event checks, cached key read, log line, result mapping and the timeout signal of its fetch. The ratio compares it with a round trip on loopback. A call to api.anthropic.com takes longer, so the same overhead is a smaller share there.`,
  ].join('\n\n');
}
