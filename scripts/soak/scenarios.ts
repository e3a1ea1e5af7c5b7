import type { FaultRule, TimingRule } from '../../emulator';

/** Fault rule of a scenario; the runner adds the execution's customIdPrefix when it applies it. */
export type ScenarioFault = Omit<FaultRule, 'customIdPrefix'>;

/** Expected fate of an execution's batch: deleted, left in place and named, or never created. */
export type ExpectedBatch = 'deleted' | 'reported' | 'none';

/** One situation that a soak execution runs into. */
export interface Scenario {
  /** Short unique name, printed in the report so that an execution can be replayed. */
  readonly kind: string;
  /** Outcome the execution must have: 'succeeded', or the error name of the failed execution. */
  readonly outcome: string;
  readonly batch: ExpectedBatch;
  /** Faults on this execution's requests only. @default none */
  readonly faults?: readonly ScenarioFault[];
  /** Durations of this execution's batch. @default a cancel delay the plan draws per execution */
  readonly timing?: Omit<TimingRule, 'customIdPrefix'>;
  /** Whether the execution sends an API key that the emulator rejects. @default false */
  readonly wrongApiKey?: boolean;
  /** Whether the execution input misspells `requests`, which validation rejects. @default false */
  readonly invalidInput?: boolean;
}

/** Outcome label of a succeeded execution. */
export const SUCCEEDED = 'succeeded';

/**
 * A cancel delay that outlasts any soak. In fast mode a poll cycle takes tens of milliseconds, so
 * the default 240 poll retries run out long before it and the execution fails with BatchNotEnded.
 * The deployed workflow fails the same way when a batch takes more than an hour to cancel.
 */
const NEVER_ENDS_MS = 6 * 60 * 60 * 1000;

const overloadedTwice = (route: FaultRule['route'], kind: string): Scenario => ({
  kind,
  outcome: SUCCEEDED,
  batch: 'deleted',
  faults: [{ route, status: 529, attempts: [1, 2] }],
});

/** Every scenario of test/local/faults.test.ts, plus the ones that need no fault rule. */
export const SCENARIOS: readonly Scenario[] = [
  { kind: 'happy-path', outcome: SUCCEEDED, batch: 'deleted' },
  {
    kind: 'ended-before-cancel',
    outcome: SUCCEEDED,
    batch: 'deleted',
    timing: { batchDurationMs: 0 },
  },
  {
    kind: 'batch-not-ended',
    outcome: 'BatchNotEnded',
    batch: 'reported',
    timing: { cancelDelayMs: NEVER_ENDS_MS },
  },
  { kind: 'wrong-api-key', outcome: 'AuthenticationFailed', batch: 'none', wrongApiKey: true },
  { kind: 'invalid-input', outcome: 'InvalidInput', batch: 'none', invalidInput: true },
  overloadedTwice('createMessageBatch', 'create-overloaded-twice'),
  overloadedTwice('cancelMessageBatch', 'cancel-overloaded-twice'),
  overloadedTwice('retrieveMessageBatch', 'retrieve-overloaded-twice'),
  overloadedTwice('deleteMessageBatch', 'delete-overloaded-twice'),
  {
    kind: 'retrieve-rate-limited-retry-after',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [{ route: 'retrieveMessageBatch', status: 429, retryAfterSeconds: 1, attempts: [1] }],
  },
  {
    kind: 'create-spend-limit',
    outcome: 'RateLimited',
    batch: 'none',
    faults: [{ route: 'createMessageBatch', status: 429 }],
  },
  {
    kind: 'cancel-throttled-forever',
    outcome: 'Overloaded',
    batch: 'reported',
    faults: [{ route: 'cancelMessageBatch', status: 529 }],
  },
  {
    kind: 'retrieve-transient-errors',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [
      { route: 'retrieveMessageBatch', status: 500, attempts: [1] },
      { route: 'retrieveMessageBatch', status: 504, attempts: [2] },
      { route: 'retrieveMessageBatch', reset: 'before', attempts: [3] },
    ],
  },
  {
    kind: 'retrieve-should-retry-false',
    outcome: 'RetryRefused',
    batch: 'reported',
    faults: [{ route: 'retrieveMessageBatch', status: 500, shouldRetry: false, attempts: [1] }],
  },
  {
    kind: 'create-500-after-create',
    outcome: 'SubmitOutcomeUnknown',
    batch: 'reported',
    faults: [{ route: 'createMessageBatch', status: 500, applyChange: true }],
  },
  {
    kind: 'create-reset-after-create',
    outcome: 'SubmitOutcomeUnknown',
    batch: 'reported',
    faults: [{ route: 'createMessageBatch', reset: 'after' }],
  },
  {
    kind: 'create-500-nothing-created',
    outcome: 'SubmitOutcomeUnknown',
    batch: 'none',
    faults: [{ route: 'createMessageBatch', status: 500 }],
  },
  {
    kind: 'cancel-409-already-canceling',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [{ route: 'cancelMessageBatch', status: 409, applyChange: true, attempts: [1] }],
  },
  {
    kind: 'retrieve-404-after-create',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [{ route: 'retrieveMessageBatch', status: 404, attempts: [1] }],
  },
  {
    kind: 'retrieve-404-forever',
    outcome: 'BatchNotFound',
    batch: 'reported',
    faults: [{ route: 'retrieveMessageBatch', status: 404 }],
  },
  {
    kind: 'delete-response-lost',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [{ route: 'deleteMessageBatch', reset: 'after', attempts: [1] }],
  },
  {
    kind: 'delete-409-not-ended',
    outcome: SUCCEEDED,
    batch: 'deleted',
    faults: [{ route: 'deleteMessageBatch', status: 409, attempts: [1] }],
  },
  {
    kind: 'delete-500-forever',
    outcome: 'ServerError',
    batch: 'reported',
    faults: [{ route: 'deleteMessageBatch', status: 500 }],
  },
  {
    kind: 'create-413-html',
    outcome: 'RequestTooLarge',
    batch: 'none',
    faults: [
      {
        route: 'createMessageBatch',
        status: 413,
        rawBody: '<html><body>413 Request Entity Too Large</body></html>',
      },
    ],
  },
];
