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
      '"Load" is the require of the bundle (the INIT phase); "first call" is the first ' +
      'invocation. The bundles run in turn, one process at a time. The handlers read the key ' +
      'through their real path: Powertools parameters calls GetSecretValue on a local stand-in ' +
      'for Secrets Manager on 127.0.0.1 (AWS_ENDPOINT_URL_SECRETS_MANAGER, fake credentials, ' +
      'AWS_EC2_METADATA_DISABLED=true). @aws-sdk/client-secrets-manager is external in the ' +
      'bundles because the Lambda runtime provides it; here it loads from node_modules through ' +
      `NODE_PATH. The stand-in received ${count(result.secretReads)} GetSecretValue requests. ` +
      'Every child rejects connections to any host but loopback. The rows between the empty ' +
      'handler and the handlers are bench-only bundles that split the cold start into its ' +
      'parts. Times in ms.',
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
  const provided = result.rows.filter((row) => row.name.startsWith('provided-key-'));
  const worst = [...provided].sort((a, b) => b.overEmptyMs - a.overEmptyMs)[0];
  const lines = [
    `- Loading @aws-sdk/client-secrets-manager alone: ${over('secrets-client-only')} above the empty handler.`,
    `- Reading the key through it (Powertools parameters, the first GetSecretValue): ${over('secret-read-only')}.`,
    `- One raw fetch, whose first use makes Node.js load its fetch implementation: ${over('fetch-only')}.`,
  ];
  if (worst !== undefined) {
    lines.push(
      `- The handlers with the key handed in through setApiKeyProvider, so without Powertools parameters and the Secrets Manager client: at most ${ms(worst.overEmptyMs)} ms (${worst.operation ?? ''}), ${worst.overEmptyMs <= COLD_START_GOAL_OVER_EMPTY_MS ? 'within' : 'still over'} the ${COLD_START_GOAL_OVER_EMPTY_MS} ms goal.`,
    );
  }
  for (const row of provided.filter((candidate) => candidate.externalPackages.length > 0)) {
    lines.push(
      `- ${row.operation ?? row.name} still loads ${row.externalPackages.join(', ')} when its bundle starts, whether or not the call uses it. Loading that client only in the code path that uses it would take it out of the other cold starts.`,
    );
  }
  return [
    'Where the time goes:',
    lines.join('\n'),
    'The AWS SDK client and the first secret read are the largest part. A key source that needs ' +
      'no SDK client in the function would remove it from the cold start. One such source is the ' +
      'AWS Parameters and Secrets Lambda Extension, which the function calls with an HTTP GET to ' +
      'localhost and which caches the secret for 300 s by default ' +
      '(https://docs.aws.amazon.com/lambda/latest/dg/with-secrets-manager.html). The ' +
      "extension's own start is not measured here. The first fetch stays in every handler's " +
      'first call, whichever client sends it.',
  ].join('\n\n');
}
