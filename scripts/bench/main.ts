/**
 * `npm run bench`: runs every measurement on this machine and writes docs/benchmarks.md and
 * docs/benchmarks.json. `--quick` runs smaller samples in under a minute and writes the report
 * to a temporary folder unless `--out DIR` names one.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulator } from '../../emulator';
import { synthesizeTeardown } from '../../local/definition';
import {
  startSecretsManagerServer,
  TEST_AWS_SESSION_CREDENTIALS,
} from '../../test/secrets-manager-server';
import { startLocalS3 } from '../../test/local-s3';
import { measureBundleSizes } from './bundle-size';
import { REPO_ROOT, bundleChildScripts, bundleHandlers } from './bundles';
import { BENCH_REGION, BENCH_SECRET_NAME, handlerEnvironment } from './child-process';
import { measureColdStarts } from './cold-start';
import { BENCH_API_KEY, type BenchContext } from './context';
import { modelCosts } from './costs';
import { readDeployedSettings } from './deployed-settings';
import { BENCH_REQUESTS_BUCKET, measureLargeSubmits } from './large-submit';
import { describeMachine } from './machine';
import { type BenchResults, formatJson, renderReport } from './report';
import { type BenchSettings, FULL_SETTINGS, QUICK_SETTINGS } from './settings';
import { measureThroughput } from './throughput';
import { measureTransitions } from './transitions';
import { measureWarmCalls } from './warm-calls';

const USAGE = `Usage: npm run bench [-- --quick] [-- --out DIR]

  --quick    smaller samples of every measurement, in under a minute
  --out DIR  folder for benchmarks.md and benchmarks.json
             (default: docs/ for a full run, a temporary folder for --quick)
`;

interface CliArgs {
  readonly settings: BenchSettings;
  readonly outDir?: string;
}

async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const { settings } = args;
  const startedMs = performance.now();
  const command = settings.mode === 'quick' ? 'npm run bench:quick' : 'npm run bench';
  const machine = describeMachine(command);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'claude-batch-teardown-bench-'));
  const progress = (step: string): void => {
    const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
    process.stderr.write(`[bench ${seconds.padStart(6)} s] ${step}\n`);
  };
  try {
    const results = await measureAll(settings, workDir, progress, machine);
    const outDir = args.outDir ?? defaultOutDir(settings);
    mkdirSync(outDir, { recursive: true });
    const totalSeconds = (performance.now() - startedMs) / 1000;
    const final: BenchResults = {
      ...results,
      totalSeconds,
      loadAverageAtEnd: os.loadavg()[0] ?? Number.NaN,
    };
    writeFileSync(path.join(outDir, 'benchmarks.json'), await formatJson(final));
    writeFileSync(path.join(outDir, 'benchmarks.md'), await renderReport(final));
    progress(`wrote ${path.join(outDir, 'benchmarks.md')} and benchmarks.json`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** docs/ for a full run; a fixed temporary folder for a quick run, so docs/ keeps a full run. */
function defaultOutDir(settings: BenchSettings): string {
  return settings.mode === 'full'
    ? path.join(REPO_ROOT, 'docs')
    : path.join(os.tmpdir(), 'claude-batch-teardown-bench-quick');
}

async function measureAll(
  settings: BenchSettings,
  workDir: string,
  progress: (step: string) => void,
  machine: BenchResults['machine'],
): Promise<Omit<BenchResults, 'totalSeconds' | 'loadAverageAtEnd'>> {
  const deployed = readDeployedSettings();
  progress('bundling the handlers, the SDK variants and the child scripts');
  const bundles = await bundleHandlers(path.join(workDir, 'bundles'));
  const children = await bundleChildScripts(workDir);
  const bundleSizes = measureBundleSizes(bundles);
  const synthesized = synthesizeTeardown(deployed.teardownProps);
  const emulator = await startEmulator({ apiKeys: [BENCH_API_KEY] });
  const secretsManager = await startSecretsManagerServer({
    credentials: TEST_AWS_SESSION_CREDENTIALS,
    region: BENCH_REGION,
    secrets: { [BENCH_SECRET_NAME]: BENCH_API_KEY },
  });
  const requestsS3 = await startLocalS3([BENCH_REQUESTS_BUCKET]);
  const childEnv = handlerEnvironment({
    apiUrl: emulator.url,
    secretsManagerUrl: secretsManager.endpoint,
    secretArn: secretsManager.secretArn(BENCH_SECRET_NAME),
    templateEnvironment: synthesized.environment,
    workDir,
    providedApiKey: BENCH_API_KEY,
  });
  const context: BenchContext = {
    settings,
    workDir,
    bundles,
    children,
    emulator,
    secretsManager,
    requestsS3,
    childEnv,
    synthesized,
  };
  try {
    progress(`cold starts: ${settings.coldStartSamples} fresh processes per bundle`);
    const coldStarts = await measureColdStarts(context);
    progress(`warm calls: ${settings.warmCalls} per client`);
    const warmCalls = await measureWarmCalls(context);
    progress(
      `large submits: ${settings.largeSubmitSizes.join(', ')} requests inline, ${settings.largeS3SubmitSizes.join(', ')} from S3`,
    );
    const largeSubmits = await measureLargeSubmits(context);
    progress(`transitions: runs with ${settings.pollRetries.join(', ')} poll retries`);
    const transitions = await measureTransitions(settings, deployed.teardownProps);
    const costs = modelCosts(transitions, coldStarts, warmCalls, deployed);
    progress(
      `throughput: ${settings.throughputExecutions} executions, ${settings.throughputConcurrency} at a time`,
    );
    const throughput = await measureThroughput(context);
    return {
      machine,
      settings,
      deployed,
      bundleSizes,
      coldStarts,
      warmCalls,
      transitions,
      costs,
      throughput,
      largeSubmits,
    };
  } finally {
    await emulator.close();
    await secretsManager.close();
    await requestsS3.close();
  }
}

function parseArgs(argv: string[]): CliArgs {
  let settings = FULL_SETTINGS;
  let outDir: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--quick') {
      settings = QUICK_SETTINGS;
    } else if (arg === '--out' && argv[index + 1] !== undefined) {
      outDir = path.resolve(argv[index + 1] ?? '');
      index += 1;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else {
      process.stderr.write(`Unknown option ${String(arg)}.\n${USAGE}`);
      process.exit(2);
    }
  }
  return { settings, outDir };
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
