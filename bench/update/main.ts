/**
 * `npm run bench:update -- [--json] [options]` (issue 7): SPARQL Update latency and throughput
 * on a dev cluster, single-region against cross-region, with 16 concurrent clients; LUBM(1)
 * through the direct loader and through the saga path; the same update workload against an
 * in-process Oxigraph. See docs/benchmarks.md and USAGE in args.ts.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import * as oxigraph from 'oxigraph';
import { readNTriples } from '../lubm/oxigraph-side';
import { median } from '../raft/stats';
import { startBenchCluster, stopOnSignals } from '../shared/bench-cluster';
import { parseUpdateArgs, type UpdateBenchArgs } from './args';
import { LOADER_LOAD_ARGS, loadOnFreshCluster, SAGA_LOAD_ARGS, timedLoad } from './load-side';
import { runOxigraphUpdates } from './oxigraph-side';
import { describePhase, type PhaseOptions } from './phase';
import { healthyRanges, runQuarryUpdates } from './quarry-side';
import { benchJson, targetLines, type UpdateBenchFigures } from './report';
import { ClientWorkload, evenRanges, type HashRange } from './workload';

const EXIT_CHECK_FAILED = 1;
const EXIT_HARNESS_ERROR = 2;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const say = (line: string): void => void process.stderr.write(`${line}\n`);
const load = (): string => loadavg()[0]!.toFixed(1);

const workloadsFor = (clients: number, ranges: readonly HashRange[]): ClientWorkload[] =>
  Array.from({ length: clients }, (_, c) => new ClientWorkload(c, ranges));

const describeRanges = (ranges: readonly HashRange[]): string =>
  ranges.map((r) => `${r.id} [0x${r.start.toString(16)}, ${r.end === 0n ? 'end' : `0x${r.end.toString(16)}`})`).join(', ');

interface SideOutcome {
  ranges: HashRange[];
  problems: string[];
  /** Quads the loader left in the store (the saga load must leave as many). */
  loaderStored?: number;
}

/** Cluster 1: the loader's LUBM load (fresh cluster), then both update phases on it. */
async function quarryUpdatesAndLoader(args: UpdateBenchArgs, file: string, options: PhaseOptions, figures: UpdateBenchFigures): Promise<SideOutcome> {
  const cluster = await startBenchCluster(args.stores, say, 'update');
  const unhook = stopOnSignals(cluster, say);
  try {
    let ranges = await healthyRanges(cluster);
    let loaderStored: number | undefined;
    if (!args.noLoad) {
      const loader = await timedLoad(cluster, file, LOADER_LOAD_ARGS, say, `loader (${['quarry load', ...LOADER_LOAD_ARGS].join(' ')})`);
      figures.loaderTps = loader.quadsPerSec;
      loaderStored = loader.storedQuads;
      // The update subjects are chosen by this map: take it as the load left it.
      ranges = await healthyRanges(cluster);
    }
    say(`regions: ${describeRanges(ranges)}`);
    const result = await runQuarryUpdates(cluster, workloadsFor(args.clients, ranges), options, say);
    figures.quarrySingle = result.single;
    figures.quarryCross = result.cross;
    for (const line of [...describePhase('quarry single-region', result.single), ...describePhase('quarry cross-region', result.cross)]) say(line);
    say(`quarry balances: ${result.balances.detail}`);
    const problems = result.balances.ok ? [] : [`quarry balances wrong: ${result.balances.detail}`];
    const failed = result.single.errors.size + result.cross.errors.size;
    if (failed) problems.push('quarry: some updates failed (see above)');
    const after = await healthyRanges(cluster);
    if (describeRanges(after) !== describeRanges(ranges))
      problems.push(`the region map changed during the updates (now ${describeRanges(after)}): single/cross classification is off`);
    return { ranges, problems, loaderStored };
  } finally {
    say(`stopping cluster ${cluster.name}`);
    await cluster.stop();
    unhook();
  }
}

/** Oxigraph in process: LUBM loaded too (as on the cluster), then the single-region phase. */
async function oxigraphUpdates(
  args: UpdateBenchArgs,
  file: string,
  ranges: HashRange[],
  options: PhaseOptions,
  figures: UpdateBenchFigures,
): Promise<string[]> {
  const store = new oxigraph.Store();
  if (!args.noLoad) store.load(readNTriples(file), { format: 'application/n-triples' });
  say(`oxigraph: ${store.size} quads loaded; single-region phase (${options.clients} clients)`);
  const result = await runOxigraphUpdates(store, workloadsFor(args.clients, ranges), options);
  figures.oxigraphSingle = result.single;
  for (const line of describePhase('oxigraph single-region', result.single)) say(line);
  say(`oxigraph balances: ${result.balances.detail}`);
  return result.balances.ok ? [] : [`oxigraph balances wrong: ${result.balances.detail}`];
}

/**
 * The saga load on a fresh cluster, and with --load-runs N > 1 more loader/saga pairs, each load
 * on a fresh cluster, in alternating order (a load's speed on this shared machine drifts with
 * whatever else runs); loaderTps and sagaTps are the medians over all runs.
 */
async function compareLoads(args: UpdateBenchArgs, file: string, loaderStored: number | undefined, figures: UpdateBenchFigures): Promise<void> {
  const sagaArgs = args.sagaArgs ?? SAGA_LOAD_ARGS;
  if (sagaArgs === null) {
    say('saga load: not measured (SAGA_LOAD_ARGS in bench/update/load-side.ts is null and no --saga-args)');
    return;
  }
  const loader = figures.loaderTps === undefined ? [] : [figures.loaderTps];
  const saga: number[] = [];
  const runSaga = async (): Promise<void> => void saga.push((await loadOnFreshCluster(args.stores, file, sagaArgs, say, 'saga', loaderStored)).quadsPerSec);
  const runLoader = async (): Promise<void> =>
    void loader.push((await loadOnFreshCluster(args.stores, file, LOADER_LOAD_ARGS, say, 'loader', loaderStored)).quadsPerSec);
  await runSaga();
  for (let run = 2; run <= args.loadRuns; run++) {
    for (const next of run % 2 === 0 ? [runSaga, runLoader] : [runLoader, runSaga]) await next();
  }
  if (args.loadRuns > 1) say(`loads/s per run: loader ${loader.join(', ')}; saga ${saga.join(', ')} (medians reported)`);
  figures.loaderTps = Math.round(median(loader));
  figures.sagaTps = Math.round(median(saga));
}

async function run(args: UpdateBenchArgs): Promise<number> {
  const file = resolve(args.file);
  const options: PhaseOptions = { clients: args.clients, warmupMs: args.warmupSeconds * 1000, measureMs: args.seconds * 1000 };
  const figures: UpdateBenchFigures = {};
  const problems: string[] = [];
  say(`bench:update: ${args.clients} clients, ${args.warmupSeconds} s warm-up + ${args.seconds} s per phase; load average ${load()}`);
  let ranges = evenRanges(3);
  if (!args.oxigraphOnly) {
    const quarry = await quarryUpdatesAndLoader(args, file, options, figures);
    ranges = quarry.ranges;
    problems.push(...quarry.problems);
    if (!args.noLoad) await compareLoads(args, file, quarry.loaderStored, figures);
  }
  problems.push(...(await oxigraphUpdates(args, file, ranges, options, figures)));
  const json = benchJson(figures);
  say(`load average at the end ${load()} (2 shared cores: compare ratios within a run, not absolute figures across runs)`);
  for (const line of targetLines(json)) say(line);
  for (const p of problems) say(`PROBLEM: ${p}`);
  out(args.json ? JSON.stringify(json) : JSON.stringify(json, null, 2));
  return problems.length ? EXIT_CHECK_FAILED : 0;
}

function main(): void {
  let args: UpdateBenchArgs;
  try {
    args = parseUpdateArgs(process.argv.slice(2));
  } catch (e) {
    say(e instanceof Error ? e.message : String(e));
    process.exit(64);
  }
  run(args).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (e: unknown) => {
      say(`bench:update: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(EXIT_HARNESS_ERROR);
    },
  );
}

main();
