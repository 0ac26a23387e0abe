import { readBaseline, writeBaseline } from './baseline';
import { parseConformanceArgs, UsageError, type ConformanceArgs } from './cli-args';
import { startOwnCluster, type OwnCluster } from './own-cluster';
import { writeReport } from './report-writer';
import { runHttpTests, type HttpTestOutcome } from './run-http-tests';
import { summarise, summaryLines } from './summary';
import { planTests } from './test-plan';

const EXIT_BELOW_BASELINE = 1;
const EXIT_HARNESS_ERROR = 2;
const EXIT_USAGE = 64;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/** Stops the run's own cluster on SIGINT/SIGTERM too, then exits. */
function stopOnSignals(cluster: OwnCluster): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping cluster ${cluster.name}`);
      void cluster.stop().finally(() => process.exit(130));
    });
  }
}

function reportProgress(): (o: HttpTestOutcome) => void {
  let done = 0;
  return (o) => {
    done++;
    if (o.status === 'failed') progress(`FAIL ${o.id}: ${o.reason ?? ''}`);
    if (done % 100 === 0) progress(`... ${done} tests run`);
  };
}

async function run(args: ConformanceArgs): Promise<number> {
  const startedAt = new Date();
  const tests = planTests().filter((t) => args.filter === undefined || t.id.includes(args.filter));
  let cluster: OwnCluster | undefined;
  try {
    if (!args.endpoint) {
      cluster = await startOwnCluster(progress);
      stopOnSignals(cluster);
    }
    const endpoint = args.endpoint ?? cluster!.endpoint;
    progress(`running ${tests.length} tests against ${endpoint}`);
    const { outcomes, statistics } = await runHttpTests(tests, endpoint, reportProgress());
    const summary = summarise(outcomes);
    const baseline = args.recordBaseline ? writeBaseline(summary) : readBaseline();
    const durationSeconds = Math.round((Date.now() - startedAt.getTime()) / 100) / 10;
    const failures = outcomes.filter((o) => o.status === 'failed').map(({ id, manifest, reason }) => ({ id, manifest, reason }));
    const reportPath = writeReport({
      endpoint,
      ownCluster: cluster !== undefined,
      startedAt: startedAt.toISOString(),
      durationSeconds,
      baselinePassed: baseline?.passed,
      summary,
      statistics,
      failures,
      outcomes,
    });
    for (const line of summaryLines(outcomes)) out(line);
    out(`dataset loads: ${statistics.datasetLoads}, reused: ${statistics.datasetReuses}; ${durationSeconds} s; report: ${reportPath}`);
    const belowBaseline = baseline !== undefined && summary.passed < baseline.passed;
    out(
      baseline
        ? `baseline: ${baseline.passed} passing${belowBaseline ? ` — BELOW BASELINE by ${baseline.passed - summary.passed}` : ' — ok'}`
        : 'baseline: none recorded',
    );
    if (args.json)
      out(JSON.stringify({ passed: summary.passed, failed: summary.failed, skipped: summary.skipped, total: summary.total, byManifest: summary.byManifest }));
    return belowBaseline ? EXIT_BELOW_BASELINE : 0;
  } finally {
    if (cluster) {
      progress(`stopping cluster ${cluster.name}`);
      await cluster.stop();
    }
  }
}

function main(): void {
  let args: ConformanceArgs;
  try {
    args = parseConformanceArgs(process.argv.slice(2));
  } catch (e) {
    progress(e instanceof UsageError ? e.message : String(e));
    process.exit(EXIT_USAGE);
  }
  run(args).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (e: unknown) => {
      progress(`conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(EXIT_HARNESS_ERROR);
    },
  );
}

main();
