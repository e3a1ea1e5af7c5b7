import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Emulator, type FaultRule, startEmulator } from '../../emulator';
import { type HistoryEvent, type LocalRunResult, runLocalExecution } from '../../local/run';

/** A key and a prompt that are easy to find in any text the workflow produces. */
const KEY_MARKER = 'sk-ant-MARKER-4f1d9c2e7b';
const PROMPT_MARKER = 'PROMPT-MARKER-a83e5d';
/** What the handlers write in place of the key when a response echoes it. */
const REDACTED_KEY = '[redacted API key]';

interface Scenario {
  name: string;
  input?: unknown;
  faults?: FaultRule[];
  acceptedKey?: string;
  cancelDelayMs?: number;
  /** Puts a proxy in front of the emulator that sets every response's request-id to the key. */
  echoKeyInRequestId?: boolean;
  /** Where the handlers must have written REDACTED_KEY, which proves that the echo arrived. */
  redactedIn?: 'logs' | 'cause';
}

const REQUESTS = [
  {
    custom_id: 'marker-1',
    params: {
      model: 'claude-haiku-4-5',
      max_tokens: 8,
      messages: [{ role: 'user', content: PROMPT_MARKER }],
    },
  },
];

const SCENARIOS: Scenario[] = [
  { name: 'success' },
  { name: 'invalid input', input: { requests: REQUESTS, apiKey: KEY_MARKER } },
  { name: 'rejected key', acceptedKey: 'sk-ant-some-other-key' },
  {
    name: 'ambiguous create',
    faults: [{ route: 'createMessageBatch', status: 500, applyChange: true }],
  },
  { name: 'batch not ended', cancelDelayMs: 60 * 60 * 1000 },
  { name: 'throttled until exhausted', faults: [{ route: 'cancelMessageBatch', status: 529 }] },
  {
    name: 'proxy page that echoes the key',
    faults: [
      {
        route: 'retrieveMessageBatch',
        status: 403,
        rawBody: `<html>denied for x-api-key: ${KEY_MARKER}</html>`,
      },
    ],
    redactedIn: 'cause',
  },
  { name: 'server error on delete', faults: [{ route: 'deleteMessageBatch', status: 500 }] },
  {
    name: 'error.type that echoes the key',
    faults: [
      {
        route: 'retrieveMessageBatch',
        status: 500,
        rawBody: JSON.stringify({ type: 'error', error: { type: KEY_MARKER, message: 'x' } }),
        contentType: 'application/json',
      },
    ],
    redactedIn: 'cause',
  },
  { name: 'request-id that echoes the key', echoKeyInRequestId: true, redactedIn: 'logs' },
  {
    name: 'request-id that echoes the key on a failed delete',
    echoKeyInRequestId: true,
    faults: [{ route: 'deleteMessageBatch', status: 500 }],
    redactedIn: 'cause',
  },
];

/** Starts a proxy on 127.0.0.1 that forwards to `targetUrl` and echoes x-api-key as request-id. */
async function startKeyEchoProxy(targetUrl: string): Promise<Server> {
  const target = new URL(targetUrl);
  const proxy = createServer((incoming, outgoing) => {
    const options = {
      host: target.hostname,
      port: target.port,
      method: incoming.method,
      path: incoming.url,
      headers: incoming.headers,
    };
    const forwarded = request(options, (upstream) => {
      const headers = { ...upstream.headers, 'request-id': String(incoming.headers['x-api-key']) };
      outgoing.writeHead(upstream.statusCode ?? 502, headers);
      upstream.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return proxy;
}

function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** States whose input is the execution input as the user sent it. */
const RAW_INPUT_STATES = new Set(['selectInputMode', 'submitBatch', 'adoptBatch']);

function carriesRawInput(event: HistoryEvent): boolean {
  const stateName = (event.state as { name?: string } | undefined)?.name ?? '';
  return event.type === 'ExecutionStarted' || RAW_INPUT_STATES.has(stateName);
}

describe('secrets stay out of every output', () => {
  let emulator: Emulator;
  let proxy: Server | undefined;
  let logged: string[];
  let restore: () => void;

  beforeEach(() => {
    logged = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      logged.push(String(chunk));
      return true;
    };
    process.stdout.write = capture;
    process.stderr.write = capture;
    restore = () => {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    };
  });

  afterEach(async () => {
    restore();
    if (proxy !== undefined) {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy?.close(() => resolve()));
      proxy = undefined;
    }
    await emulator?.close();
  });

  async function run(scenario: Scenario): Promise<LocalRunResult> {
    emulator = await startEmulator({
      apiKeys: [scenario.acceptedKey ?? KEY_MARKER],
      cancelDelayMs: scenario.cancelDelayMs ?? 50,
    });
    scenario.faults?.forEach((fault) => emulator.addFault(fault));
    if (scenario.echoKeyInRequestId) proxy = await startKeyEchoProxy(emulator.url);
    return runLocalExecution({
      input: scenario.input ?? { requests: REQUESTS },
      apiUrl: proxy === undefined ? emulator.url : serverUrl(proxy),
      apiKey: KEY_MARKER,
      fast: true,
      logLevel: 'DEBUG',
      teardownProps: { maxPollRetries: 5 },
    });
  }

  it.each(SCENARIOS)('keeps the key out of $name', async (scenario) => {
    const result = await run(scenario);
    restore();

    // A key put in the execution input is recorded with that input, by the user's own doing.
    // Every event after the states that receive the raw input must still be free of it.
    const history = JSON.stringify(result.history);
    const withoutInput = JSON.stringify(result.history.filter((event) => !carriesRawInput(event)));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('')).not.toContain(KEY_MARKER);
    expect(logged.join('')).not.toContain(PROMPT_MARKER);
    expect(JSON.stringify(result.output ?? null)).not.toContain(KEY_MARKER);
    expect(result.cause ?? '').not.toContain(KEY_MARKER);
    expect(scenario.input === undefined ? history : withoutInput).not.toContain(KEY_MARKER);
  });

  const ECHO_SCENARIOS = SCENARIOS.filter((scenario) => scenario.redactedIn !== undefined);

  it.each(ECHO_SCENARIOS)('writes the redaction marker for $name', async (scenario) => {
    const result = await run(scenario);
    restore();

    const written = scenario.redactedIn === 'logs' ? logged.join('') : (result.cause ?? '');
    expect(written).toContain(REDACTED_KEY);
  });

  it('lets the prompt appear only where the input is recorded', async () => {
    const result = await run(SCENARIOS[0] as Scenario);
    restore();
    const laterEvents = result.history.filter((event) => !carriesRawInput(event));
    expect(JSON.stringify(laterEvents)).not.toContain(PROMPT_MARKER);
  });
});
