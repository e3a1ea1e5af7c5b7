import type { MessageBatch } from '@anthropic-ai/sdk/resources/messages/batches';

import type { Clock } from './clock';

/** MessageBatch object as the emulator sends it, typed by the official SDK. */
export type MessageBatchJson = MessageBatch;

/** Operation of the Message Batches API, named by its operationId (`results` fetches results_url). */
export type Route =
  | 'createMessageBatch'
  | 'retrieveMessageBatch'
  | 'listMessageBatches'
  | 'cancelMessageBatch'
  | 'deleteMessageBatch'
  | 'results';

/** Responses for situations whose status code the API does not document. */
export interface EdgeCaseBehaviour {
  /** Status for cancel on an ended batch: 400 invalid_request_error or 409 conflict_error. @default 400 */
  readonly cancelOnEnded: 400 | 409;
  /** Status for cancel on a canceling batch; 200 returns the batch unchanged. @default 200 */
  readonly cancelOnCanceling: 200 | 400 | 409;
  /** Status for delete on an in_progress or canceling batch. @default 400 */
  readonly deleteNotEnded: 400 | 409;
  /** Window in milliseconds after created_at in which retrieve returns 404 not_found_error. @default 0 (off) */
  readonly notFoundAfterCreateMs: number;
  /** Whether create rejects a batch that repeats a custom_id (400) or accepts it. @default 'reject' */
  readonly duplicateCustomId: 'reject' | 'accept';
  /** Body of a 413: the JSON error envelope, or an HTML page as a proxy in front of the API sends. @default 'json' */
  readonly tooLargeBody: 'json' | 'html';
}

/**
 * Fault to inject into matching requests. A request matches a rule when its route is `route`
 * and it passes the `batchId` and `customIdPrefix` filters that are set. Each rule counts the
 * requests that match it, from the moment it is added and after the x-api-key and
 * anthropic-version checks pass, and fires on the numbers in `attempts` (if set). Because the
 * count is per rule, a rule filtered to one client's batches fires on that client's own first,
 * second, ... request, however many other clients call the emulator at the same time. When
 * several rules fire on a request, the first rule added wins, and every matching rule still
 * counts the request.
 */
export interface FaultRule {
  /** Operation whose requests the rule applies to. */
  readonly route: Route;
  /** 1-based numbers, among the requests that match this rule, on which it fires. @default every request */
  readonly attempts?: number[];
  /** Maximum number of times the rule fires. @default unlimited (at most attempts.length) */
  readonly times?: number;
  /** Batch id that the request path must contain; never matches create or list. @default any */
  readonly batchId?: string;
  /**
   * Start of the first custom_id of the batch: a create matches when `requests[0].custom_id` of
   * its body starts with it, and a request on a batch matches when the batch's first custom_id
   * does. Never matches list, nor a create whose body has no such custom_id. @default any
   */
  readonly customIdPrefix?: string;
  /** Status of the response, sent with the standard error envelope unless `rawBody` is set. @default none */
  readonly status?: number;
  /** Value of the `retry-after` header, in seconds. @default no header */
  readonly retryAfterSeconds?: number;
  /** Value of the `retry-after-ms` header, in milliseconds. @default no header */
  readonly retryAfterMs?: number;
  /** Value of the `x-should-retry` header. @default no header */
  readonly shouldRetry?: boolean;
  /** Body that replaces the error envelope, such as a proxy's HTML page; needs `status`. @default none */
  readonly rawBody?: string;
  /** Content-type of `rawBody`. @default 'text/html; charset=utf-8' */
  readonly contentType?: string;
  /** Milliseconds of real time to wait before responding, after any change is applied. @default 0 */
  readonly delayMs?: number;
  /** Destroys the socket without a response, before or after applying the change. @default no reset */
  readonly reset?: 'before' | 'after';
  /** Applies the real operation before sending `status`, as when a response is lost. @default false */
  readonly applyChange?: boolean;
}

/**
 * Lifecycle durations for the batches whose first custom_id starts with `customIdPrefix`, in
 * place of the emulator's `batchDurationMs` and `cancelDelayMs`. A rule applies to batches
 * created after it is added. When several rules match a batch, the first rule added wins.
 */
export interface TimingRule {
  /** Start of the first custom_id of the batches the rule applies to. */
  readonly customIdPrefix: string;
  /** Milliseconds after created_at at which the batch ends with every request succeeded. @default the emulator's batchDurationMs */
  readonly batchDurationMs?: number;
  /** Milliseconds after the cancel request at which the canceling batch ends. @default the emulator's cancelDelayMs */
  readonly cancelDelayMs?: number;
}

/** State of one batch ever created, deleted ones included. */
export interface LedgerEntry {
  id: string;
  createdAt: string;
  requestCount: number;
  customIds: string[];
  processingStatus: 'in_progress' | 'canceling' | 'ended';
  /** Whether cancel was accepted for the batch. */
  canceled: boolean;
  deleted: boolean;
  deletedAt: string | null;
}

/** One request the emulator received. It contains neither the API key nor the batch's request params. */
export interface RequestRecord {
  route: Route | 'unknown';
  method: string;
  /** URL path without the query string. */
  path: string;
  /** Status sent, or 'reset' when the socket closed without a response. */
  status: number | 'reset';
  batchId?: string;
  /** Emulator clock time at which the request arrived, in epoch milliseconds. */
  at: number;
  anthropicVersion?: string;
  /** Whether the request sent x-api-key or Authorization, valid or not. */
  hadApiKey: boolean;
}

/** Input of `Emulator.createBatchDirectly`. */
export interface DirectBatchInput {
  requests: { custom_id: string; params: object }[];
  /** created_at of the batch in epoch milliseconds. @default the emulator clock's now() */
  createdAtMs?: number;
}

/** Running emulator of the Message Batches API on 127.0.0.1. */
export interface Emulator {
  /** Base URL, `http://127.0.0.1:<port>`, to use in place of https://api.anthropic.com. */
  readonly url: string;
  readonly clock: Clock;
  addFault(rule: FaultRule): void;
  /** Removes every fault rule, and with them their request counts. */
  clearFaults(): void;
  /** Sets the durations of batches created from now on whose first custom_id starts with the rule's prefix. */
  addTimingRule(rule: TimingRule): void;
  ledger(): LedgerEntry[];
  /** Every request received, in order of arrival, once its response is sent or its socket closed. */
  requests(): RequestRecord[];
  /** Creates a batch without HTTP, fault rules or request records; timing rules apply. */
  createBatchDirectly(input: DirectBatchInput): MessageBatchJson;
  setEdgeCases(patch: Partial<EdgeCaseBehaviour>): void;
  /** Closes the server, destroys open sockets and cancels pending fault delays. */
  close(): Promise<void>;
}
