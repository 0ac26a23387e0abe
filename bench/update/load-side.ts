import { loadIntoCluster, startBenchCluster, stopOnSignals, type BenchCluster } from '../shared/bench-cluster';
import { healthyRanges } from './quarry-side';
import { UpdateClient } from './update-client';

/** `quarry load FILE` arguments of the non-transactional loader (batches per region, nothing recorded). */
export const LOADER_LOAD_ARGS: readonly string[] = ['--direct'];

/**
 * `quarry load FILE` arguments of the saga path (chunks committed atomically, progress in
 * PostgreSQL; `quarry load`'s default), or null when there is no saga path to measure: sagaTps
 * is then reported as null. Overridden per run with `--saga-args "..."` (e.g. `--chunk-quads 50000`).
 */
export const SAGA_LOAD_ARGS: readonly string[] | null = [];

export interface LoadMeasurement {
  /** Quads the CLI reports loading (its last stdout line), or the stored count when it prints no number. */
  quads: number;
  /** Quads in the default graph afterwards, counted through the SPARQL endpoint. */
  storedQuads: number;
  /** Wall clock of the `quarry load` process (connect, parse, write, and for sagas their bookkeeping). */
  seconds: number;
  quadsPerSec: number;
}

async function countStoredQuads(cluster: BenchCluster): Promise<number> {
  const client = new UpdateClient(cluster.endpoint, 0);
  try {
    const [row] = await client.select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
    return Number(row?.n?.value);
  } finally {
    client.close();
  }
}

/**
 * One timed `quarry load` into an already started cluster, then the stored quads counted (a
 * load that wrote nothing, or not what `expectStored` says, fails the run).
 */
export async function timedLoad(
  cluster: BenchCluster,
  file: string,
  args: readonly string[],
  log: (line: string) => void,
  label: string,
  expectStored?: number,
): Promise<LoadMeasurement> {
  const load = await loadIntoCluster(cluster, file, args);
  const storedQuads = await countStoredQuads(cluster);
  if (!(storedQuads > 0)) throw new Error(`${label}: nothing stored (quarry load reported ${load.quads} quads)`);
  if (expectStored !== undefined && storedQuads !== expectStored) throw new Error(`${label}: ${storedQuads} quads stored, the loader stored ${expectStored}`);
  const quads = Number.isFinite(load.quads) && load.quads > 0 ? load.quads : storedQuads;
  const m: LoadMeasurement = { quads, storedQuads, seconds: load.seconds, quadsPerSec: Math.round(quads / Math.max(load.seconds, 1e-9)) };
  const reported = load.reportedSeconds === undefined ? '' : ` (the CLI reports ${load.reportedSeconds} s of writing)`;
  log(`${label}: ${m.quads} quads (${storedQuads} stored) in ${m.seconds} s wall clock = ${m.quadsPerSec} quads/s${reported}`);
  return m;
}

/** One timed load into a fresh cluster of its own (started, waited for, loaded, stopped here). */
export async function loadOnFreshCluster(
  stores: number,
  file: string,
  args: readonly string[],
  log: (line: string) => void,
  label: string,
  expectStored?: number,
): Promise<LoadMeasurement> {
  const cluster = await startBenchCluster(stores, log, label);
  const unhook = stopOnSignals(cluster, log);
  try {
    await healthyRanges(cluster);
    return await timedLoad(cluster, file, args, log, `${label} (${['quarry load', ...args].join(' ')})`, expectStored);
  } finally {
    log(`stopping cluster ${cluster.name}`);
    await cluster.stop();
    unhook();
  }
}
