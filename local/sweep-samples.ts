import type { Emulator } from '../emulator';

const HOUR_MS = 3_600_000;

/** Batches that `npm run local -- --sweep` creates in the embedded emulator, by age. */
const SAMPLE_BATCHES = [
  { customId: 'sample-40-days-old', ageMs: 40 * 24 * HOUR_MS },
  { customId: 'sample-30-days-old', ageMs: 30 * 24 * HOUR_MS },
  { customId: 'sample-2-hours-old', ageMs: 2 * HOUR_MS },
  { customId: 'sample-new', ageMs: 0 },
];

/**
 * Creates four batches in the emulator so that a local sweep has something to select: two older
 * than 29 days and one 2 hours old, which have ended, and a new one that is still in_progress.
 * Returns a line that describes them.
 */
export function seedSampleBatches(emulator: Emulator): string {
  const nowMs = emulator.clock.now();
  const created = SAMPLE_BATCHES.map(({ customId, ageMs }) =>
    emulator.createBatchDirectly({
      requests: [{ custom_id: customId, params: { model: 'claude-haiku-4-5', max_tokens: 16 } }],
      createdAtMs: nowMs - ageMs,
    }),
  );
  const described = created.map(
    (batch, index) =>
      `${batch.id} (${SAMPLE_BATCHES[index]?.customId ?? ''}, ${batch.processing_status})`,
  );
  return `Created ${created.length} sample batches in the emulator: ${described.join(', ')}`;
}
