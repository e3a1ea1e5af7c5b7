import type { Finding, SoakCheck, Surprise } from './ledger-check';
import type { PlannedExecution } from './plan';
import type { SoakReport } from './runner';
import { SCENARIOS } from './scenarios';

const PROBLEM_TEXT: Readonly<Record<Finding['problem'], string>> = {
  leaked: 'leaked (neither deleted nor named in the cause)',
  duplicated: 'duplicated (more than one batch)',
  unnamed: 'failed without naming its batch in the cause',
};

/**
 * Formats a soak report: executions by outcome, batches by fate, then every offending execution
 * with its scenario and the command that replays the same plan.
 */
export function formatReport(report: SoakReport): string {
  const { check } = report;
  const executions = report.results.length;
  const seconds = (report.durationMs / 1000).toFixed(1);
  const replay = `npm run soak -- --executions ${executions} --seed ${report.seed}`;
  const lines = [
    `Soak of ${executions} executions, seed ${report.seed}, concurrency ${report.concurrency}: ${seconds} s`,
    '',
    ...markdownTable(['outcome', 'executions'], outcomeRows(check)),
    '',
    ...markdownTable(['batches', 'count'], batchRows(check)),
    '',
    `Scenario kinds run: ${countKinds(report)} of ${SCENARIOS.length}.`,
    ...listSection('Offending executions', check.findings.map(describeFinding)),
    ...listSection(
      'Outcomes that differ from the scenario (they do not fail the soak)',
      check.surprises.map(describeSurprise),
    ),
    '',
    check.passed
      ? 'PASSED: no batch leaked or was duplicated, and every failure named its batch.'
      : `FAILED. Replay the same scenarios with: ${replay}`,
  ];
  return lines.join('\n');
}

function outcomeRows(check: SoakCheck): string[][] {
  return [...check.outcomes].map(([label, count]) => [
    label === 'succeeded' ? label : `failed: ${label}`,
    String(count),
  ]);
}

function batchRows(check: SoakCheck): string[][] {
  const countFate = (fate: string) => check.batches.filter((batch) => batch.fate === fate).length;
  return [
    ['created', String(check.batches.length)],
    ['deleted', String(countFate('deleted'))],
    ['reported (not deleted, named in its cause)', String(countFate('reported'))],
    ['leaked (neither deleted nor named)', String(countFate('leaked'))],
    ['duplicated (executions with more than one)', String(check.duplicatedExecutions)],
  ];
}

function countKinds(report: SoakReport): number {
  return new Set(report.results.map((result) => result.planned.scenario.kind)).size;
}

function describeExecution(execution: PlannedExecution | undefined): string {
  if (execution === undefined) {
    return 'no execution of this soak';
  }
  const { index, customIdPrefix, scenario } = execution;
  return `execution ${index} (${customIdPrefix}, scenario ${scenario.kind})`;
}

function describeFinding(finding: Finding): string {
  const problem = PROBLEM_TEXT[finding.problem];
  return `${describeExecution(finding.execution)}: ${problem}: ${finding.batchIds.join(', ')}`;
}

function describeSurprise(surprise: Surprise): string {
  return `${describeExecution(surprise.execution)}: expected ${surprise.expected}, got ${surprise.actual}`;
}

function listSection(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [] : ['', `${title}:`, ...items.map((item) => `  ${item}`)];
}

/** Formats rows as a Markdown table padded the way Prettier pads one, ready for the README. */
function markdownTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...rows.map(format)];
}
