import { resolve } from 'node:path';
import { parseLubmArgs, type LubmBenchArgs } from './args';
import { benchJson, comparisonTable, rowMismatches, type SystemResult } from './bench-report';
import { loadIntoCluster, startBenchCluster, stopOnSignals } from '../shared/bench-cluster';
import { OWN_QUERIES, readLubmQueries, type BenchQuery } from './bench-queries';
import { loadOxigraph, measureOnOxigraph, readNTriples } from './oxigraph-side';
import { measureOnCluster } from './quarry-queries';

const EXIT_ROW_MISMATCH = 1;
const EXIT_HARNESS_ERROR = 2;

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const progress = (line: string): void => void process.stderr.write(`${line}\n`);

/** Cluster: start, `quarry load` (timed), warm runs of every query, stop (always). */
async function runQuarrySide(args: LubmBenchArgs, file: string, queries: BenchQuery[]): Promise<SystemResult> {
  const cluster = await startBenchCluster(args.stores, progress);
  stopOnSignals(cluster, progress);
  try {
    const load = await loadIntoCluster(cluster, file);
    progress(`quarry load: ${load.quads} quads in ${load.seconds} s wall clock (the CLI reports ${load.reportedSeconds ?? '?'} s of writing)`);
    return { loadSeconds: load.seconds, queries: await measureOnCluster(cluster.endpoint, queries, args.runs, progress) };
  } finally {
    progress(`stopping cluster ${cluster.name}`);
    await cluster.stop();
  }
}

async function runOxigraphSide(args: LubmBenchArgs, file: string, queries: BenchQuery[]): Promise<SystemResult> {
  const { store, seconds } = loadOxigraph(readNTriples(file));
  progress(`oxigraph load: ${store.size} quads in ${seconds} s`);
  return { loadSeconds: seconds, queries: await measureOnOxigraph(store, queries, args.runs, progress) };
}

async function run(args: LubmBenchArgs): Promise<number> {
  const file = resolve(args.file);
  const queries = [...readLubmQueries(resolve(args.queriesDir)), ...OWN_QUERIES];
  const quarry: SystemResult = args.oxigraphOnly ? { loadSeconds: Number.NaN, queries: {} } : await runQuarrySide(args, file, queries);
  const oxigraph = await runOxigraphSide(args, file, queries);
  for (const line of comparisonTable(quarry, oxigraph)) out(line);
  for (const [name, m] of Object.entries(quarry.queries)) if (m.note) out(`note: quarry ${name}: ${m.note}`);
  const mismatches = args.oxigraphOnly ? [] : rowMismatches(quarry, oxigraph);
  for (const m of mismatches) out(`ROW COUNT MISMATCH ${m}`);
  if (args.json) out(JSON.stringify(benchJson(quarry, oxigraph)));
  return mismatches.length ? EXIT_ROW_MISMATCH : 0;
}

function main(): void {
  let args: LubmBenchArgs;
  try {
    args = parseLubmArgs(process.argv.slice(2));
  } catch (e) {
    progress(e instanceof Error ? e.message : String(e));
    process.exit(64);
  }
  run(args).then(
    (code) => process.stdout.write('', () => process.exit(code)),
    (e: unknown) => {
      progress(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(EXIT_HARNESS_ERROR);
    },
  );
}

main();
