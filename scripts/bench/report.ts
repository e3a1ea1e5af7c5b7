/** Renders the results of a benchmark run as docs/benchmarks.md. */
import * as path from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { BundleSizeRow } from './bundle-size';
import { REPO_ROOT } from './bundles';
import type { ColdStartResult } from './cold-start';
import type { CostResult } from './costs';
import type { DeployedSettings } from './deployed-settings';
import type { LargeSubmitResult } from './large-submit';
import type { MachineInfo } from './machine';
import { count, table } from './report-format';
import { renderColdStarts } from './report-cold-start';
import { goalRows, renderBundleSizes, renderWarmCalls } from './report-handlers';
import {
  renderLargeSubmits,
  renderLimits,
  renderThroughput,
  renderTransitions,
} from './report-workflow';
import type { BenchSettings } from './settings';
import type { ThroughputSummary } from './throughput';
import type { TransitionResult } from './transitions';
import type { WarmCallsSummary } from './warm-calls';

/** Everything one benchmark run measured. */
export interface BenchResults {
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly deployed: DeployedSettings;
  readonly bundleSizes: BundleSizeRow[];
  readonly coldStarts: ColdStartResult;
  readonly warmCalls: WarmCallsSummary;
  readonly transitions: TransitionResult;
  readonly costs: CostResult;
  readonly throughput: ThroughputSummary;
  readonly largeSubmits: LargeSubmitResult;
  /** Wall time of the whole run. */
  readonly totalSeconds: number;
  /** 1-minute load average at the end of the run. */
  readonly loadAverageAtEnd: number;
}

/** Renders the report as Markdown, formatted with the repository's Prettier settings. */
export async function renderReport(results: BenchResults): Promise<string> {
  const sections = [
    renderIntro(results),
    renderMachine(results),
    `## Goals\n\n${table(['goal', 'result', 'verdict'], goalRows(results))}`,
    renderBundleSizes(results.bundleSizes),
    renderColdStarts(results.coldStarts),
    renderWarmCalls(results.warmCalls),
    renderTransitions(results),
    renderThroughput(results.throughput),
    renderLargeSubmits(results.largeSubmits),
    renderLimits(results),
  ];
  const markdown = `${sections.join('\n\n')}\n`;
  const file = path.join(REPO_ROOT, 'docs', 'benchmarks.md');
  const options = (await resolveConfig(file)) ?? {};
  return format(markdown, { ...options, parser: 'markdown' });
}

function renderIntro(results: BenchResults): string {
  const mode =
    results.settings.mode === 'quick'
      ? 'This is a quick run with small samples; docs/benchmarks.md keeps a full run.'
      : 'This page and docs/benchmarks.json are the output of one full run, unedited.';
  return [
    '# Benchmarks',
    `Measured by \`${results.machine.command}\` (scripts/bench/) in ${results.totalSeconds.toFixed(0)} s. ${mode}`,
    'Each figure sits next to its comparison measured in the same run. Timings are medians with ' +
      'the 25th to 75th percentile and the sample count n, written as `median (p25–p75, n=…)`.',
  ].join('\n\n');
}

function renderMachine(results: BenchResults): string {
  const { machine } = results;
  const rows: string[][] = [
    ['CPU', machine.cpuModel],
    ['cores', String(machine.cores)],
    ['RAM', `${machine.ramGiB.toFixed(1)} GiB`],
    ['OS', machine.os],
    ['Node.js', machine.node],
    ['date', machine.date],
    ['command', `\`${machine.command}\``],
    ['measured code', machine.commit],
    [
      '1-minute load average',
      `${machine.loadAverageAtStart.toFixed(2)} at start, ${results.loadAverageAtEnd.toFixed(2)} at end`,
    ],
    ...Object.entries(machine.packages).map(([name, version]) => [name, version]),
  ];
  const busy = Math.max(machine.loadAverageAtStart, results.loadAverageAtEnd) > machine.cores;
  const note = busy
    ? `\n\nThe load average exceeded the ${machine.cores} cores, so other processes shared the CPU during the run and the timings are higher than on an idle machine.`
    : '';
  const settings = `The workflow settings come from cdk.json: poll interval ${results.deployed.pollIntervalSeconds} s, maxPollRetries ${count(results.deployed.maxPollRetries)}, ${results.deployed.lambdaMemoryMb} MB per function.`;
  return `## Machine\n\n${table(['item', 'value'], rows)}${note}\n\n${settings}`;
}

/** Formats the results as JSON with the repository's Prettier settings. */
export async function formatJson(results: BenchResults): Promise<string> {
  const options = (await resolveConfig(path.join(REPO_ROOT, 'docs', 'benchmarks.json'))) ?? {};
  return format(JSON.stringify(results), { ...options, parser: 'json' });
}
