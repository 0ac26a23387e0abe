import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tools/cli/src/dev/free-port';
import { runQuarry } from './quarry-cli';

/** A dev cluster started for one benchmark run, in its own temp directory. */
export interface BenchCluster {
  name: string;
  endpoint: string;
  dataDir: string;
  /** Stops every process and deletes data, NATS state and database; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * `quarry dev up` on a free port in a fresh temp directory, under a random cluster name
 * `bench-LABEL-xxxxxxxx` (so it shares no NATS subjects, streams or database with anything).
 * A failed start is logged, cleaned up and tried once more with a fresh cluster: a start-up
 * flake (e.g. two services racing to create the control database) is not what a bench
 * measures, but it must stay visible in the output.
 */
export async function startBenchCluster(stores: number, log: (line: string) => void, label = 'lubm', attempts = 2): Promise<BenchCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(stores, log, label);
    } catch (e) {
      if (attempt >= attempts) throw e;
      log(`STARTUP FAILURE (attempt ${attempt} of ${attempts}), starting a fresh cluster: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

async function startOnce(stores: number, log: (line: string) => void, label: string): Promise<BenchCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), `quarry-bench-${label}-`));
  const name = `bench-${label}-${randomBytes(4).toString('hex')}`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const down = await runQuarry(['dev', 'down', '--purge', '--data-dir', dataDir], 90_000);
      // Its cluster.json holds the PIDs: keep it when processes may still be running.
      if (down.code !== 0) log(`dev down exited with ${down.code}: ${down.stderr.trim()}\nkept ${dataDir}: quarry dev down --purge --data-dir ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
    })());
  const port = await freePort();
  log(`starting cluster ${name} (${stores} stores) on port ${port}`);
  const up = await runQuarry(['dev', 'up', '--stores', String(stores), '--cluster', name, '--http-port', String(port), '--data-dir', dataDir], 180_000);
  if (up.code !== 0) {
    await stop();
    throw new Error(`dev up failed (${up.code}): ${(up.stderr || up.stdout).trim()}`);
  }
  const endpoint = /SPARQL endpoint: (\S+)/.exec(up.stdout)?.[1] ?? `http://127.0.0.1:${port}/sparql`;
  return { name, endpoint, dataDir, stop };
}

/**
 * Stops the cluster on SIGINT/SIGTERM before exiting (130), so an interrupted bench leaves
 * nothing running. Returns a function that removes the handlers (call it once the cluster is
 * stopped, so a later cluster's handler is the one that runs).
 */
export function stopOnSignals(cluster: BenchCluster, log: (line: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping cluster ${cluster.name}`);
    void cluster.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** What `quarry load` took: wall clock of the CLI process, and the time it reports itself (writes only). */
export interface ClusterLoad {
  seconds: number;
  reportedSeconds?: number;
  quads: number;
}

/** `quarry load FILE [EXTRA...]` into the cluster (`extraArgs` selects e.g. another load mode). */
export async function loadIntoCluster(cluster: BenchCluster, file: string, extraArgs: readonly string[] = []): Promise<ClusterLoad> {
  const started = performance.now();
  const load = await runQuarry(['load', file, ...extraArgs, '--data-dir', cluster.dataDir], 600_000);
  const seconds = (performance.now() - started) / 1000;
  if (load.code !== 0) throw new Error(`quarry load ${extraArgs.join(' ')} failed (${load.code}): ${load.stderr.trim()}`);
  const reported = /loaded [\d,]+ quads in ([\d.]+) s/.exec(load.stderr)?.[1];
  return {
    seconds: Math.round(seconds * 100) / 100,
    reportedSeconds: reported ? Number(reported) : undefined,
    quads: Number(load.stdout.trim().split('\n').at(-1)),
  };
}
