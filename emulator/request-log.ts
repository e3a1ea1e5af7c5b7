import type { RequestRecord } from './types';

interface LoggedRequest {
  readonly arrival: number;
  readonly record: RequestRecord;
}

/** Records of handled requests, kept in order of arrival even when responses finish out of order. */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private arrivals = 0;

  constructor(private readonly onRequest: ((record: RequestRecord) => void) | undefined) {}

  /** Returns the arrival number to pass to `finish`. */
  arrive(): number {
    this.arrivals += 1;
    return this.arrivals;
  }

  finish(arrival: number, record: RequestRecord): void {
    this.entries.push({ arrival, record });
    this.onRequest?.({ ...record });
  }

  list(): RequestRecord[] {
    return [...this.entries]
      .sort((a, b) => a.arrival - b.arrival)
      .map((entry) => ({ ...entry.record }));
  }
}
