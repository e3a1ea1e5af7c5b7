import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { checkRequestHeaders } from './auth';
import { EmulatorInputError, HttpError } from './errors';
import { FaultBook } from './faults';
import { mergeEdgeCases, resolveOptions, type EmulatorOptions } from './options';
import { handleRequest } from './pipeline';
import { RequestLog } from './request-log';
import { BatchStore } from './store';
import { TimingBook } from './timing-rules';
import type { DirectBatchInput, Emulator, MessageBatchJson } from './types';
import { validateCreateBody } from './validation';

/** The only address the emulator listens on, so nothing outside this machine can reach it. */
const LOOPBACK_HOST = '127.0.0.1';

/** Starts the Message Batches emulator on 127.0.0.1 and resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const resolved = resolveOptions(options);
  let edgeCases = resolved.edgeCases;
  let baseUrl = '';
  const timingRules = new TimingBook({
    batchDurationMs: resolved.batchDurationMs,
    cancelDelayMs: resolved.cancelDelayMs,
  });
  const store = new BatchStore({
    clock: resolved.clock,
    timingFor: (firstCustomId) => timingRules.timingFor(firstCustomId),
    edgeCases: () => edgeCases,
    resultsUrl: (batchId) =>
      `${baseUrl}/v1/messages/batches/${encodeURIComponent(batchId)}/results`,
  });
  const faults = new FaultBook();
  const log = new RequestLog(resolved.onRequest);
  const closing = new AbortController();
  const deps = {
    options: resolved,
    store,
    faults,
    log,
    closing: closing.signal,
    edgeCases: () => edgeCases,
  };
  const server = createServer((req, res) => {
    void handleRequest(req, res, deps);
  });
  // Sends 100 Continue for `expect: 100-continue` only when the key and version headers pass, so
  // a rejected upload gets its error before the client sends the body.
  server.on('checkContinue', (req, res) => {
    if (checkRequestHeaders(req, resolved.apiKeys) === undefined) res.writeContinue();
    void handleRequest(req, res, deps);
  });
  baseUrl = `http://${LOOPBACK_HOST}:${await listen(server, resolved.port)}`;
  return {
    url: baseUrl,
    clock: resolved.clock,
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    addTimingRule: (rule) => timingRules.add(rule),
    ledger: () => store.ledger(),
    requests: () => log.list(),
    createBatchDirectly: (input) =>
      createDirectly(store, input, edgeCases.duplicateCustomId, resolved.clock.now()),
    setEdgeCases: (patch) => {
      edgeCases = mergeEdgeCases(edgeCases, patch);
    },
    close: () => closeServer(server, closing),
  };
}

/** Listens on 127.0.0.1 and resolves with the port, which the OS picks when `port` is 0. */
function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections, cuts pending fault delays short and destroys every open socket. */
function closeServer(server: Server, closing: AbortController): Promise<void> {
  closing.abort();
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function createDirectly(
  store: BatchStore,
  input: DirectBatchInput,
  duplicateCustomId: 'reject' | 'accept',
  nowMs: number,
): MessageBatchJson {
  const createdAtMs = input.createdAtMs ?? nowMs;
  if (!Number.isFinite(createdAtMs)) {
    throw new EmulatorInputError(
      `createdAtMs must be a finite epoch millisecond value, got ${createdAtMs}`,
    );
  }
  try {
    return store.create(
      validateCreateBody({ requests: input.requests }, duplicateCustomId),
      createdAtMs,
    );
  } catch (error) {
    if (error instanceof HttpError) {
      throw new EmulatorInputError(`createBatchDirectly: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
