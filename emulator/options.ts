import { systemClock, type Clock } from './clock';
import { EmulatorInputError } from './errors';
import type { EdgeCaseBehaviour, RequestRecord } from './types';

/** API key that the emulator accepts when no `apiKeys` are given. It is not a real Anthropic key. */
export const DEFAULT_EMULATOR_API_KEY = 'sk-ant-emulator-local-key';

/** Largest create body the API accepts, 256 MB, counted here as 256 * 1024 * 1024 bytes. */
export const DEFAULT_MAX_BODY_BYTES = 256 * 1024 * 1024;

/** Edge-case behaviour when neither `edgeCases` nor setEdgeCases changes it. */
export const DEFAULT_EDGE_CASES: EdgeCaseBehaviour = {
  cancelOnEnded: 400,
  cancelOnCanceling: 200,
  deleteNotEnded: 400,
  notFoundAfterCreateMs: 0,
  duplicateCustomId: 'reject',
  tooLargeBody: 'json',
};

/** Settings of `startEmulator`. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. The emulator never binds another address. @default 0 */
  readonly port?: number;
  /** Accepted values of x-api-key (or of `Authorization: Bearer`). @default [DEFAULT_EMULATOR_API_KEY] */
  readonly apiKeys?: string[];
  /** Milliseconds after create at which an in_progress batch ends with every request succeeded. @default 60_000 */
  readonly batchDurationMs?: number;
  /** Milliseconds after a cancel request at which a canceling batch ends. @default 3_000 */
  readonly cancelDelayMs?: number;
  /** Time source for the batch lifecycle; a ManualClock lets tests drive it. @default the system clock */
  readonly clock?: Clock;
  /** Responses for situations whose status code the API does not document. @default DEFAULT_EDGE_CASES */
  readonly edgeCases?: Partial<EdgeCaseBehaviour>;
  /** Create bodies larger than this many bytes get 413 request_too_large. @default 256 MiB */
  readonly maxBodyBytes?: number;
  /** Called with each request record once its response is sent; never given the API key. @default none */
  readonly onRequest?: (record: RequestRecord) => void;
}

/** EmulatorOptions with every default filled in and every value checked. */
export interface ResolvedOptions {
  readonly port: number;
  readonly apiKeys: ReadonlySet<string>;
  readonly batchDurationMs: number;
  readonly cancelDelayMs: number;
  readonly clock: Clock;
  readonly edgeCases: EdgeCaseBehaviour;
  readonly maxBodyBytes: number;
  readonly onRequest: ((record: RequestRecord) => void) | undefined;
}

/** Fills in defaults and throws EmulatorInputError on the first invalid option. */
export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new EmulatorInputError(`port must be an integer from 0 to 65535, got ${port}`);
  }
  return {
    port,
    apiKeys: resolveApiKeys(options.apiKeys),
    batchDurationMs: requireNonNegative('batchDurationMs', options.batchDurationMs ?? 60_000),
    cancelDelayMs: requireNonNegative('cancelDelayMs', options.cancelDelayMs ?? 3_000),
    clock: options.clock ?? systemClock,
    edgeCases: mergeEdgeCases(DEFAULT_EDGE_CASES, options.edgeCases ?? {}),
    maxBodyBytes: requirePositiveInteger(
      'maxBodyBytes',
      options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    ),
    onRequest: options.onRequest,
  };
}

function resolveApiKeys(apiKeys: string[] | undefined): ReadonlySet<string> {
  const keys = apiKeys ?? [DEFAULT_EMULATOR_API_KEY];
  if (keys.length === 0) {
    throw new EmulatorInputError('apiKeys must contain at least one key, got an empty array');
  }
  if (keys.some((key) => typeof key !== 'string' || key.length === 0)) {
    // The message leaves out the keys themselves so that no key value reaches a log.
    throw new EmulatorInputError('apiKeys must contain only non-empty strings');
  }
  return new Set(keys);
}

const EDGE_CASE_CHOICES: { readonly [K in keyof EdgeCaseBehaviour]: readonly unknown[] | 'ms' } = {
  cancelOnEnded: [400, 409],
  cancelOnCanceling: [200, 400, 409],
  deleteNotEnded: [400, 409],
  notFoundAfterCreateMs: 'ms',
  duplicateCustomId: ['reject', 'accept'],
  tooLargeBody: ['json', 'html'],
};

/** Returns `current` with `patch` applied; throws EmulatorInputError on an unknown key or value. */
export function mergeEdgeCases(
  current: EdgeCaseBehaviour,
  patch: Partial<EdgeCaseBehaviour>,
): EdgeCaseBehaviour {
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) {
      checkEdgeCase(key, value);
    }
  }
  const defined = Object.entries(patch).filter(([, value]) => value !== undefined);
  return { ...current, ...(Object.fromEntries(defined) as Partial<EdgeCaseBehaviour>) };
}

function checkEdgeCase(key: string, value: unknown): void {
  if (!Object.hasOwn(EDGE_CASE_CHOICES, key)) {
    const known = Object.keys(EDGE_CASE_CHOICES).join(', ');
    throw new EmulatorInputError(`edgeCases.${key} is not a known edge case; use one of ${known}`);
  }
  const choices = EDGE_CASE_CHOICES[key as keyof EdgeCaseBehaviour];
  if (choices === 'ms') {
    requireNonNegative(`edgeCases.${key}`, value);
  } else if (!choices.includes(value)) {
    const allowed = choices.map((choice) => JSON.stringify(choice)).join(', ');
    throw new EmulatorInputError(
      `edgeCases.${key} must be one of ${allowed}, got ${JSON.stringify(value)}`,
    );
  }
}

function requireNonNegative(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new EmulatorInputError(
      `${name} must be a non-negative number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new EmulatorInputError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
