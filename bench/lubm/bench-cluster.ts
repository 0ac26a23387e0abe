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

export async function startBenchCluster(stores: number, log: (line: string) => void): Promise<BenchCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'quarry-bench-lubm-'));
  const name = `bench-lubm-${randomBytes(4).toString('hex')}`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const down = await runQuarry(['dev', 'down', '--purge', '--data-dir', dataDir], 90_000);
      if (down.code !== 0) log(`dev down exited with ${down.code}: ${down.stderr.trim()}`);
      rmSync(dataDir, { recursive: true, force: true });
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

/** What `quarry load` took: wall clock of the CLI process, and the time it reports itself (writes only). */
export interface ClusterLoad {
  seconds: number;
  reportedSeconds?: number;
  quads: number;
}

/** `quarry load FILE` into the cluster. */
export async function loadIntoCluster(cluster: BenchCluster, file: string): Promise<ClusterLoad> {
  const started = performance.now();
  const load = await runQuarry(['load', file, '--data-dir', cluster.dataDir], 600_000);
  const seconds = (performance.now() - started) / 1000;
  if (load.code !== 0) throw new Error(`quarry load failed (${load.code}): ${load.stderr.trim()}`);
  const reported = /loaded [\d,]+ quads in ([\d.]+) s/.exec(load.stderr)?.[1];
  return {
    seconds: Math.round(seconds * 100) / 100,
    reportedSeconds: reported ? Number(reported) : undefined,
    quads: Number(load.stdout.trim().split('\n').at(-1)),
  };
}
