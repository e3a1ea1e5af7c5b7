/**
 * Seeded pseudo-random numbers, so that one seed always gives the same soak plan. The generator
 * is mulberry32, whose state is one 32-bit integer and whose period is 2^32. It is not suitable
 * for anything that needs unpredictable numbers.
 */

/** Returns the next number in [0, 1). */
export type Random = () => number;

/** Largest seed, because a seed is a 32-bit unsigned integer. */
export const MAX_SEED = 0xffff_ffff;

/** Creates a mulberry32 generator whose sequence depends only on `seed`. */
export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new RangeError(`The seed must be an integer from 0 to ${MAX_SEED}, got ${seed}`);
  }
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Draws an integer from `min` to `max`, both included. */
export function randomInteger(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Returns a shuffled copy of `items` (Fisher-Yates), leaving `items` unchanged. */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let last = copy.length - 1; last > 0; last -= 1) {
    const pick = randomInteger(random, 0, last);
    [copy[last], copy[pick]] = [copy[pick] as T, copy[last] as T];
  }
  return copy;
}
