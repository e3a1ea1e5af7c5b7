/** Bench-only handler that returns at once: the floor of any cold start. */
export const handler = (): Promise<{ ok: true }> => Promise.resolve({ ok: true });
