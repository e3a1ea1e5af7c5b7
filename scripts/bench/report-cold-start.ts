/** Report section 2: cold starts of the bundles, and where the time goes. */
import {
  COLD_START_GOAL_OVER_EMPTY_MS,
  type ColdStartResult,
  type ColdStartRow,
} from './cold-start';
import { count, ms, range, signedMs, spread, table, verdict } from './report-format';

/** Tells whether a cold-start row is a deployed handler bundle rather than a bench-only one. */
export function handlerRow(row: ColdStartRow): boolean {
  return row.operation !== undefined && row.name === row.operation;
}

/** Section 2: cold starts of the bundles in fresh processes. */
export function renderColdStarts(result: ColdStartResult): string {
  const rows = result.rows.map((row) => [
    row.description,
    spread(row.loadMs),
    spread(row.invokeMs),
    spread(row.totalMs),
    range(row.totalMs),
    row.name === 'empty' ? '' : signedMs(row.overEmptyMs),
    handlerRow(row) ? coldVerdict(row) : '',
  ]);
  return [
    '## 2. Cold start',
    'Each sample is a new Node.js process that loads one bundle, parses one event and invokes ' +
      'the handler once against the emulator, as Lambda does in a new execution environment. ' +
      'Before it loads the bundle, the process loads node:http and creates a keep-alive Agent, ' +
      "as the Lambda runtime interface client does before it imports a function's handler " +
      '(aws/aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts), so that ' +
      'cost falls outside every row, the empty handler included. "Load" is the require of the ' +
      'bundle (the INIT phase); "first call" is the first invocation. The bundles run in turn, ' +
      'one process at a time. The handlers read the key through their real path: a GetSecretValue ' +
      'request signed with SigV4 from the fake credentials in the environment, to a Secrets ' +
      'Manager stand-in on 127.0.0.1 that checks the signature (AWS_ENDPOINT_URL_SECRETS_MANAGER). ' +
      `The stand-in received ${count(result.secretReads)} GetSecretValue requests. Every child ` +
      'rejects connections to any host but loopback. The rows between the empty handler and ' +
      'the handlers are bench-only bundles that split the cold start into its parts. Times in ms.',
    table(
      ['bundle', 'load', 'first call', 'load + first call', 'min–max', 'over empty', 'goal'],
      rows,
    ),
    coldStartFindings(result),
  ].join('\n\n');
}

function coldVerdict(row: ColdStartRow): string {
  const over = row.overEmptyMs - COLD_START_GOAL_OVER_EMPTY_MS;
  return verdict(over <= 0, `${ms(over)} ms`);
}

function coldStartFindings(result: ColdStartResult): string {
  const over = (name: string): string => {
    const row = result.rows.find((candidate) => candidate.name === name);
    return row === undefined ? 'not measured' : `${ms(row.overEmptyMs)} ms`;
  };
  const lines = [
    `- One raw node:http request for a batch: ${over('http-only')} above the empty handler. Every handler makes at least one.`,
    `- Two raw node:http requests, to the secret's endpoint and then for a batch, with no signing, checks or logging: ${over('two-requests')}. This is the floor of any handler that reads the key over the network on a cold start and then calls the API.`,
    `- Reading the key (one signed GetSecretValue request): ${over('secret-read-only')}.`,
    `- One raw fetch, whose first use makes Node.js load its fetch implementation: ${over('fetch-only')}. This is why the handlers use node:http.`,
  ];
  const floor = result.rows.find((row) => row.name === 'two-requests');
  const handlers = result.rows.filter((row) => handlerRow(row));
  if (floor !== undefined && handlers.length > 0) {
    const aboveFloor = handlers.map((row) => row.overEmptyMs - floor.overEmptyMs);
    lines.push(
      `- The deployed handlers are ${ms(Math.min(...aboveFloor))} to ${ms(Math.max(...aboveFloor))} ms above that floor: their own work, which is signing the secret read, the event and response checks, the cache and the log line.`,
    );
    const floorLeft = COLD_START_GOAL_OVER_EMPTY_MS - floor.overEmptyMs;
    lines.push(
      floorLeft > 0
        ? `- The floor leaves ${ms(floorLeft)} ms of the ${COLD_START_GOAL_OVER_EMPTY_MS} ms goal for that work on this machine.`
        : `- The floor alone is over the ${COLD_START_GOAL_OVER_EMPTY_MS} ms goal on this machine, so no handler that reads the key over the network on a cold start can meet it here.`,
    );
  }
  return ['Where the time goes:', lines.join('\n')].join('\n\n');
}
