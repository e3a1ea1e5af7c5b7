/**
 * Bench-only handler that makes one raw `fetch` of a batch and nothing else, to show how much of
 * a handler's first call is Node.js loading its fetch implementation on first use.
 */
export const handler = async (event: { batchId: string }): Promise<unknown> => {
  const url = `${process.env.ANTHROPIC_BASE_URL ?? ''}/v1/messages/batches/${event.batchId}`;
  const response = await fetch(url, {
    headers: {
      // The bench's child environment sets this variable (KEY_PROVIDER_ENV in bundles.ts).
      'x-api-key': process.env.BENCH_PROVIDED_API_KEY ?? '',
      'anthropic-version': '2023-06-01',
    },
  });
  return response.json();
};
