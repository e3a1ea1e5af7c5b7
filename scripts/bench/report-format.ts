/** Number formats and table helpers of the benchmark report. */
import type { Summary } from './stats';

/** Renders a Markdown table; prettier aligns the columns afterwards. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Formats milliseconds with one decimal. */
export function ms(value: number): string {
  return value.toFixed(1);
}

/** Formats a median with its interquartile range and sample count: `12.3 (11.9–12.8, n=20)`. */
export function spread(summary: Summary, format: (value: number) => string = ms): string {
  return `${format(summary.median)} (${format(summary.p25)}–${format(summary.p75)}, n=${summary.n})`;
}

/** Formats the minimum and maximum, such as `11.0–19.2`. */
export function range(summary: Summary, format: (value: number) => string = ms): string {
  return `${format(summary.min)}–${format(summary.max)}`;
}

/** Formats a whole number with thousands separators. */
export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Formats US dollars with enough decimals to show sub-cent amounts. */
export function usd(value: number): string {
  return value >= 0.001 ? `$${value.toFixed(5)}` : `$${value.toFixed(7)}`;
}

/** Returns `met`, or `missed by` and the amount. */
export function verdict(met: boolean, missedBy: string): string {
  return met ? 'met' : `**missed** by ${missedBy}`;
}

/** Formats a signed difference in milliseconds, such as `+3.2`. */
export function signedMs(value: number): string {
  return `${value >= 0 ? '+' : ''}${ms(value)}`;
}
