/** Source of the current time in epoch milliseconds. Every batch's processing_status is derived from it. */
export interface Clock {
  now(): number;
}

/** Clock that reads the system time. */
export const systemClock: Clock = { now: () => Date.now() };

/** Clock that moves only when `advance` or `set` is called, so a test can step a batch through its lifecycle. */
export class ManualClock implements Clock {
  private currentMs: number;

  /** @param startMs epoch milliseconds to start at; default the system time at construction. */
  constructor(startMs: number = Date.now()) {
    this.currentMs = requireFiniteMs(startMs, 'startMs');
  }

  now(): number {
    return this.currentMs;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (requireFiniteMs(ms, 'ms') < 0) {
      throw new RangeError(
        `ManualClock.advance: ms must not be negative, got ${ms}; use set() to go back`,
      );
    }
    this.currentMs += ms;
  }

  /** Sets the clock to `ms` epoch milliseconds, forward or back. */
  set(ms: number): void {
    this.currentMs = requireFiniteMs(ms, 'ms');
  }
}

function requireFiniteMs(value: number, name: string): number {
  if (!Number.isFinite(value)) {
    throw new RangeError(
      `ManualClock: ${name} must be a finite number of milliseconds, got ${value}`,
    );
  }
  return value;
}
