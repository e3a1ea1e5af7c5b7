/** Report sections on the workflow: transitions and cost, throughput, large submits, limits. */
import { FAST_WAIT_MS } from '../../local/run';
import type { RunCost } from './cost-model';
import {
  AWS_EVENTS_PER_EXECUTION,
  AWS_EVENTS_PER_STATE,
  AWS_EVENTS_PER_TASK_RETRY,
  HISTORY_EVENT_LIMIT,
} from './history-model';
import {
  type LargeS3SubmitRow,
  type LargeSubmitResult,
  type LargeSubmitRow,
  UNSUPPORTED_SUBMIT_SIZE,
} from './large-submit';
import {
  EXPRESS_BILLED_MEMORY_MB,
  EXPRESS_MAX_SECONDS,
  EXPRESS_USD_PER_GB_SECOND,
  EXPRESS_USD_PER_REQUEST,
  LAMBDA_ARM_USD_PER_GB_SECOND,
  LAMBDA_MAX_SECONDS,
  LAMBDA_USD_PER_REQUEST,
  PRICE_SOURCES,
  STANDARD_USD_PER_TRANSITION,
} from './prices';
import type { BenchResults } from './report';
import { count, ms, range, spread, table, usd } from './report-format';
import type { Summary } from './stats';
import type { ThroughputSummary } from './throughput';
import type { TransitionRow } from './transitions';

function runLabel(row: TransitionRow): string {
  return row.status === 'SUCCEEDED'
    ? `ends after ${count(row.pollRetries)} poll retries`
    : `never ends (${row.error ?? row.status})`;
}

/** Section 4: transitions, history events and the cost model. */
export function renderTransitions(results: BenchResults): string {
  const { transitions, costs, deployed } = results;
  const countRows = transitions.rows.map((row) => [
    runLabel(row),
    count(row.polls),
    count(row.transitions),
    count(row.localEvents),
    count(row.awsEvents),
    `${count(HISTORY_EVENT_LIMIT - row.awsEvents)} (${(100 - (100 * row.awsEvents) / HISTORY_EVENT_LIMIT).toFixed(1)} %)`,
    count(row.awsEventsWorstCase),
    spread(row.durationMs, (value) => (value / 1000).toFixed(2)),
  ]);
  const perCycle = `Each extra poll cycle adds ${transitions.transitionsPerCycle} transitions and ${transitions.awsEventsPerCycle} AWS history events (${transitions.awsEventsWorstCasePerCycle} if every retrieve used all its Retry attempts).`;
  const model = Object.entries(AWS_EVENTS_PER_STATE)
    .map(([type, events]) => `${type} ${events}`)
    .join(', ');
  return [
    '## 4. State transitions, history events and cost',
    `Local runs of the synthesized definition in fast mode (Wait states ${FAST_WAIT_MS} ms). The emulator's clock advances one step per retrieve and the batch ends a chosen number of steps after the cancel request, so each run makes exactly that many poll retries. Transitions are the StateEntered events of the local history, which is what Step Functions bills. The local runner writes its own event types, so AWS history events are estimated from the states entered. The estimate counts, per state type: ${model}. It adds ${AWS_EVENTS_PER_EXECUTION} for the execution's start and end, and ${AWS_EVENTS_PER_TASK_RETRY} per Task retry (LambdaFunctionFailed, Scheduled, Started). The worst case adds every Retry attempt of every Task entered; the workflow's own throttle loop of Choice and Wait states is not in it.`,
    table(
      [
        'run',
        'polls',
        'transitions',
        'local events',
        'AWS events (estimate)',
        `margin to ${count(HISTORY_EVENT_LIMIT)}`,
        'AWS events, worst case',
        'local run (s)',
      ],
      countRows,
    ),
    perCycle,
    renderCosts(costs.runs, transitions.rows, deployed.pollIntervalSeconds),
    `One more poll cycle costs ${usd(costs.perCycle.standardUsd)} in this design, ${usd(costs.perCycle.sleepingLambdaUsd)} in design (a) and ${usd(costs.perCycle.expressUsd)} in design (b).`,
    renderCostModel(results),
  ].join('\n\n');
}

function renderCosts(runs: RunCost[], rows: TransitionRow[], pollIntervalSeconds: number): string {
  const costRows = runs.map((run, index) => {
    const row = rows[index];
    return [
      row === undefined ? '' : runLabel(row),
      count(run.transitions),
      count(run.lambdaInvocations),
      count(run.wallSeconds),
      usd(run.standardUsd),
      `${usd(run.sleepingLambdaUsd)} (${run.sleepingLambdaInvocations} invocation${run.sleepingLambdaInvocations > 1 ? 's' : ''})`,
      run.expressUsd === undefined
        ? `does not fit: ${count(run.wallSeconds)} s > ${EXPRESS_MAX_SECONDS} s`
        : usd(run.expressUsd),
    ];
  });
  return [
    `Modeled cost of one run on AWS with the deployed ${pollIntervalSeconds} s poll interval, next to (a) one Lambda function that sleeps between polls and (b) the same states as an Express workflow:`,
    table(
      [
        'run',
        'transitions',
        'Lambda invocations',
        'wall time on AWS (s)',
        'this design (Standard)',
        '(a) one sleeping Lambda',
        '(b) Express',
      ],
      costRows,
    ),
  ].join('\n\n');
}

function renderCostModel(results: BenchResults): string {
  const { durations } = results.costs;
  const memory = results.deployed.lambdaMemoryMb;
  return [
    'The cost model, in scripts/bench/cost-model.ts:',
    [
      `- This design: transitions × ${usd(STANDARD_USD_PER_TRANSITION)}, plus each Task's Lambda invocation at ${usd(LAMBDA_USD_PER_REQUEST)} and ${memory} MB × its billed time at $${LAMBDA_ARM_USD_PER_GB_SECOND} per GB-second (arm64). Billed times are this run's medians, rounded up to 1 ms. The first call of each function is cold, billed at load + first call from section 2 (create ${ms(durations.coldMs.create)}, cancel ${ms(durations.coldMs.cancel)}, retrieve ${ms(durations.coldMs.retrieve)}, delete ${ms(durations.coldMs.delete)} ms). Later retrieves are warm, at ${durations.warmRetrieveMs.toFixed(3)} ms from section 3.`,
      `- (a) One ${memory} MB function that creates, cancels, polls with a sleep in between and deletes: billed for the whole wall time. One invocation lasts at most ${LAMBDA_MAX_SECONDS} s, so a longer run needs a chain of invocations; each link is billed as a request, and whatever re-invokes it is not priced here.`,
      `- (b) Express: ${usd(EXPRESS_USD_PER_REQUEST)} per execution plus its wall time, rounded up to 100 ms, at ${EXPRESS_BILLED_MEMORY_MB} MB × $${EXPRESS_USD_PER_GB_SECOND} per GB-second (assuming the smallest memory chunk), plus the same Lambda costs as this design. An Express execution stops after ${EXPRESS_MAX_SECONDS} s, so a run longer than that cannot be an Express workflow.`,
      `- Wall time on AWS is the poll retries × the poll interval plus the billed handler time. A raw node:http request to the emulator on 127.0.0.1 took ${ms(results.warmCalls.rawHttpMs.median)} ms (section 3), while each call to api.anthropic.com also waits for the network. Every extra 100 ms per call adds $${((memory / 1024) * 0.1 * LAMBDA_ARM_USD_PER_GB_SECOND).toFixed(8)} of Lambda time to any of the three designs.`,
      '- Free tiers, Savings Plans, CloudWatch Logs and X-Ray are not included.',
    ].join('\n'),
    'Prices (US East, N. Virginia, on demand, read on 2026-12-04); the constants are in scripts/bench/prices.ts:',
    PRICE_SOURCES.map((source) => `- ${source.what}: ${source.url}`).join('\n'),
  ].join('\n\n');
}

/** Section 5: executions per second of the local runner. */
export function renderThroughput(result: ThroughputSummary): string {
  return [
    '## 5. Local runner throughput',
    `${count(result.executions)} executions of runLocalExecution in fast mode, ${result.concurrency} in flight at a time, on one emulator in the same child process. Each execution submits 2 requests, cancels, polls once (the emulator ends a canceled batch at once) and deletes.`,
    table(
      ['metric', 'value'],
      [
        ['executions succeeded', `${count(result.succeeded)} of ${count(result.executions)}`],
        ['executions per second', result.executionsPerSecond.toFixed(2)],
        ['wall time', `${result.wallSeconds.toFixed(1)} s`],
        ['execution duration p50 (ms)', ms(result.executionMs.median)],
        ['execution duration p99 (ms)', ms(result.executionMs.p99)],
        ['execution duration min–max (ms)', range(result.executionMs)],
        ['peak RSS (VmHWM)', `${result.peakRssMiB.toFixed(0)} MiB`],
      ],
    ),
    `The first execution includes the one synthesis of the CDK app that runLocalExecution caches for later calls. ${rssNote(result)}`,
  ].join('\n\n');
}

function rssNote(result: ThroughputSummary): string {
  const reported = `\`process.resourceUsage().maxRSS\` reported ${result.maxRssReportedMiB.toFixed(0)} MiB`;
  if (result.maxRssReportedMiB <= result.peakRssMiB * 1.05) {
    return `The peak RSS is the child's VmHWM; ${reported}.`;
  }
  return `The peak RSS is the child's VmHWM; ${reported}, because on Linux it keeps the peak of the parent process that the child was forked from.`;
}

/** Section 6: peak RSS of the create handler with large batches, inline and from S3. */
export function renderLargeSubmits(result: LargeSubmitResult): string {
  return ['## 6. Large submit', renderInlineSubmits(result.inline), renderS3Submits(result)].join(
    '\n\n',
  );
}

const BYTES_PER_MIB = 1024 * 1024;

function mib(value: number): string {
  return value.toFixed(1);
}

function signedMib(value: number): string {
  return `${value >= 0 ? '+' : ''}${mib(value)}`;
}

/** Checks whether the p25–p75 ranges of two samples overlap. */
function rangesOverlap(a: Summary, b: Summary): boolean {
  return a.p25 <= b.p75 && b.p25 <= a.p75;
}

function renderInlineSubmits(rows: LargeSubmitRow[]): string {
  const baseline = rows.find((row) => row.requests === 1)?.peakRssMiB?.median;
  const sample = rows.find((row) => row.requests >= 1_000);
  const bytesPerRequest = sample === undefined ? Number.NaN : sample.eventBytes / sample.requests;
  const tableRows = rows.map((row) => [
    count(row.requests),
    count(row.eventBytes),
    row.fitsExecutionInput ? 'yes' : 'no',
    row.fitsLambdaPayload ? 'yes' : 'no',
    row.peakRssMiB === undefined
      ? 'not possible inline: needs the S3 path'
      : spread(row.peakRssMiB, mib),
    row.peakRssMiB === undefined || baseline === undefined
      ? ''
      : signedMib(row.peakRssMiB.median - baseline),
    row.invokeMs === undefined ? '' : spread(row.invokeMs),
  ]);
  return [
    `Each sample is a new process that loads the create bundle, parses the event from a file and invokes the handler once, which validates the requests and sends them to the emulator. Requests are about ${count(bytesPerRequest)} bytes each as JSON. The handler is called directly, so sizes over the 256 KiB execution input limit still run here; through Step Functions they are rejected before the handler.`,
    table(
      [
        'requests',
        'event bytes',
        'fits 256 KiB execution input',
        'fits 6 MB Lambda payload',
        'peak RSS (MiB)',
        'over 1 request (MiB)',
        'invocation (ms)',
      ],
      tableRows,
    ),
    `${count(UNSUPPORTED_SUBMIT_SIZE)} requests exceed both limits, so they cannot be submitted inline, in the execution input or the Lambda event: they have to be read from S3, as in the next table.`,
  ].join('\n\n');
}

function renderS3Submits(result: LargeSubmitResult): string {
  const sweep = [...result.s3].sort((a, b) => a.requests - b.requests);
  const long = result.s3LongPrompts;
  const smallest = sweep[0];
  const tableRows = [...sweep, long].map((row) => [
    count(row.requests),
    count(row.promptChars),
    count(row.objectBytes),
    spread(row.peakRssMiB, mib),
    smallest === undefined ? '' : signedMib(row.peakRssMiB.median - smallest.peakRssMiB.median),
    spread(row.invokeMs),
  ]);
  return [
    `In the next rows the create handler reads the same requests from S3. The execution input is \`{"requestsS3Uri": "s3://…"}\`, naming a JSON Lines object in s3rver, and the handler checks each request while it streams the object to the emulator. Both servers run in the benchmark's own process, so the child's peak RSS (VmHWM) is the handler's alone. The child has the create function's environment from the template of a stack with a requests bucket, in which that function gets ${count(result.s3FunctionMemoryMb)} MB. The invocation time includes loading the AWS SDK's S3 client, which the handler imports on its first read from S3. The last row repeats the largest size with ${count(long.promptChars)}-character prompts, so that only the object's bytes differ. Each round of samples submits every object once.`,
    table(
      [
        'requests',
        'prompt (characters)',
        'object bytes',
        'peak RSS (MiB)',
        `over ${count(smallest?.requests ?? 0)} requests (MiB)`,
        'invocation (ms)',
      ],
      tableRows,
    ),
    [
      describeSweepGrowth(sweep),
      describeLongPrompts(sweep.at(-1), long),
      compareGrowthCauses(sweep, long),
    ]
      .filter(Boolean)
      .join(' '),
    [
      compareWithInline(sweep, result.inline),
      describeHeadroom([...sweep, long], result.s3FunctionMemoryMb),
    ]
      .filter(Boolean)
      .join(' '),
  ].join('\n\n');
}

/** Describes how peak RSS changes from the smallest to the largest S3 size. */
function describeSweepGrowth(sweep: LargeS3SubmitRow[]): string {
  const smallest = sweep[0];
  const largest = sweep.at(-1);
  if (smallest === undefined || largest === undefined || smallest === largest) {
    return 'Only one S3 size ran, so these figures cannot show whether memory grows with the batch.';
  }
  const rssGrowth = largest.peakRssMiB.median - smallest.peakRssMiB.median;
  const objectGrowth = (largest.objectBytes - smallest.objectBytes) / BYTES_PER_MIB;
  const perRequest = (rssGrowth * BYTES_PER_MIB) / (largest.requests - smallest.requests);
  const facts = `From ${count(smallest.requests)} to ${count(largest.requests)} requests the object grows by ${mib(objectGrowth)} MiB and the median peak RSS changes by ${signedMib(rssGrowth)} MiB. That is ${count(perRequest)} bytes of RSS per added request, while each request adds ${count(largest.objectBytes / largest.requests)} bytes to the object.`;
  if (rangesOverlap(smallest.peakRssMiB, largest.peakRssMiB)) {
    return `${facts} The p25–p75 ranges of the two sizes overlap, so peak RSS does not measurably grow with the batch.`;
  }
  if (rssGrowth <= 0) {
    return `${facts} Peak RSS did not rise, so memory does not grow with the batch.`;
  }
  if (rssGrowth < objectGrowth) {
    return `${facts} Peak RSS grows by less than the object, so the handler cannot be holding the whole batch in memory, but it does grow with the number of requests.`;
  }
  return `${facts} Peak RSS grows by at least as much as the object, so these figures do not show that memory stays flat as the batch grows.`;
}

/** Describes how peak RSS changes when only the object's bytes grow, at the same request count. */
function describeLongPrompts(
  largest: LargeS3SubmitRow | undefined,
  long: LargeS3SubmitRow,
): string {
  if (largest === undefined || largest.requests !== long.requests) return '';
  const rssChange = long.peakRssMiB.median - largest.peakRssMiB.median;
  const objectChange = (long.objectBytes - largest.objectBytes) / BYTES_PER_MIB;
  const facts = `At ${count(long.requests)} requests, ${count(long.promptChars)}-character prompts in place of ${count(largest.promptChars)}-character ones make the object ${(long.objectBytes / largest.objectBytes).toFixed(1)} times as large (+${mib(objectChange)} MiB), and the median peak RSS changes by ${signedMib(rssChange)} MiB.`;
  if (rangesOverlap(largest.peakRssMiB, long.peakRssMiB)) {
    return `${facts} Their p25–p75 ranges overlap, so peak RSS does not follow the object's bytes.`;
  }
  if (rssChange <= 0) {
    return `${facts} Peak RSS did not rise, so it does not follow the object's bytes.`;
  }
  if (rssChange < objectChange) {
    return `${facts} That is less than the object grew, so the handler cannot be holding the whole object in memory.`;
  }
  return `${facts} That is at least as much as the object grew, so the handler's memory follows the object's size.`;
}

/**
 * Compares the peak RSS added per MiB of object when requests are added (the size sweep) and
 * when only prompts grow (the long-prompt row). Returns nothing when the sweep did not grow.
 */
function compareGrowthCauses(sweep: LargeS3SubmitRow[], long: LargeS3SubmitRow): string {
  const smallest = sweep[0];
  const largest = sweep.at(-1);
  if (smallest === undefined || largest === undefined || largest.requests !== long.requests) {
    return '';
  }
  if (rangesOverlap(smallest.peakRssMiB, largest.peakRssMiB)) return '';
  const rssPerObjectMiB = (from: LargeS3SubmitRow, to: LargeS3SubmitRow): number =>
    (to.peakRssMiB.median - from.peakRssMiB.median) /
    ((to.objectBytes - from.objectBytes) / BYTES_PER_MIB);
  const byRequests = rssPerObjectMiB(smallest, largest);
  const byPrompts = rssPerObjectMiB(largest, long);
  if (!(byRequests > 0) || !Number.isFinite(byPrompts)) return '';
  const facts = `Per MiB added to the object, more requests raised the median peak RSS by ${byRequests.toFixed(2)} MiB and longer prompts by ${byPrompts.toFixed(2)} MiB`;
  if (byPrompts * 2 < byRequests) {
    return `${facts}, so peak RSS follows the number of requests more than the object's size.`;
  }
  if (byRequests * 2 < byPrompts) {
    return `${facts}, so peak RSS follows the object's size more than the number of requests.`;
  }
  return `${facts}, so peak RSS grows with the object's size at a similar rate whichever way the object grows.`;
}

/** Compares the two paths at the largest size that both measured. */
function compareWithInline(sweep: LargeS3SubmitRow[], inline: LargeSubmitRow[]): string {
  for (const row of [...sweep].reverse()) {
    const inlinePeak = inline.find((other) => other.requests === row.requests)?.peakRssMiB;
    if (inlinePeak === undefined) continue;
    return `At ${count(row.requests)} requests the median peak RSS is ${mib(row.peakRssMiB.median)} MiB from S3 and ${mib(inlinePeak.median)} MiB inline.`;
  }
  return '';
}

/** Compares the highest median peak RSS with the create function's memory. */
function describeHeadroom(rows: LargeS3SubmitRow[], memoryMb: number): string {
  const highestMiB = Math.max(...rows.map((row) => row.peakRssMiB.median));
  const highestMb = (highestMiB * BYTES_PER_MIB) / 1_000_000;
  return `The highest median peak RSS, ${mib(highestMiB)} MiB (${mib(highestMb)} MB), is ${((100 * highestMb) / memoryMb).toFixed(0)} % of the create function's ${count(memoryMb)} MB.`;
}

/** Closing notes on what the figures do not show. */
export function renderLimits(results: BenchResults): string {
  return [
    '## Limits of these figures',
    [
      `- The machine is ${results.machine.cpuModel} (${results.machine.cores} cores, x86_64) running Node.js ${results.machine.node}; the functions run on arm64 with Node.js 24, so absolute times differ on AWS and only the comparisons within a table carry over.`,
      "- On AWS a cold start also includes the runtime's start and the download of the code, which these figures leave out. The S3 client that the S3 path loads comes from the runtime's own folder there.",
      '- Every endpoint here is plain http on loopback. On AWS the handlers also load node:https and make a TLS handshake with Secrets Manager and with api.anthropic.com on a cold start. The SDK variants would do the same, and none of it is in these figures.',
      `- The emulator on loopback responds in ${ms(results.warmCalls.rawHttpMs.median)} ms (median raw node:http request). Calls to api.anthropic.com add network and TLS time to both sides of the warm comparison, so the handler's ratio to a raw request would be lower there.`,
      '- History events on AWS are an estimate from the documented event types per state; transitions are counted exactly.',
    ].join('\n'),
  ].join('\n\n');
}
