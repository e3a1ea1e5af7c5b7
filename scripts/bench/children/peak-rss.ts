import { readFileSync } from 'node:fs';

/**
 * Returns the peak resident set size of this process in KiB. On Linux it reads VmHWM, because
 * `process.resourceUsage().maxRSS` of a spawned child still includes the peak of the parent it
 * was forked from (getrusage keeps ru_maxrss across exec). Elsewhere it falls back to maxRSS.
 */
export function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]);
  } catch {
    // No procfs: not Linux.
  }
  return process.resourceUsage().maxRSS;
}
