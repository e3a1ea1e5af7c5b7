/** Summary statistics of a sample of measurements. */
export interface Summary {
  /** Number of measurements. */
  readonly n: number;
  readonly median: number;
  /** 25th percentile. */
  readonly p25: number;
  /** 75th percentile. */
  readonly p75: number;
  /** 99th percentile. */
  readonly p99: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Summarizes a sample with percentiles interpolated linearly between the two nearest ranks
 * (the method that numpy and spreadsheets use by default).
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) {
    throw new Error('Cannot summarize an empty sample; the measurement produced no values.');
  }
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: percentile(sorted, 0.5),
    p25: percentile(sorted, 0.25),
    p75: percentile(sorted, 0.75),
    p99: percentile(sorted, 0.99),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

function percentile(sorted: readonly number[], fraction: number): number {
  const rank = (sorted.length - 1) * fraction;
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (rank - lower);
}
