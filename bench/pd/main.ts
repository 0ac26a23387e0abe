/**
 * `npm run bench:pd -- [--json]`: the placement driver and timestamp oracle on a real cluster
 * (3 consensus replicas, PD, 4 storage nodes as processes on this machine):
 * - TSO: timestamps/s and request latency with 256 concurrent callers for 5 s (after 1 s of warm-up);
 * - repair: LUBM(1) loaded, one storage node killed (store-down timeout 3 s), seconds until every
 *   region has 3 replicas on live stores again;
 * - balance: a 5th storage node added, seconds until replicas and leaders are within one of the mean.
 * Last stdout line: {"tsoPerSec", "tsoP50Ms", "tsoP99Ms", "repairSeconds", "balanceSeconds"}.
 * `--tso-only` starts the same cluster but measures only the TSO (repairSeconds and
 * balanceSeconds are null), for iterating on the oracle without the minutes repair and balance take.
 * Runs through vite-node (it reuses the test harness that starts and stops processes by PID).
 */
import { createReadStream, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseBatches, type Quad } from '@quarry/rdf';
import { TestCluster } from '../../test/support/test-cluster';

const json = process.argv.includes('--json');
const tsoOnly = process.argv.includes('--tso-only');
const lubm = join(__dirname, '..', '..', '..', 'shared', 'data', 'lubm', 'lubm1.nt.gz');
const say = (s: string): void => void process.stderr.write(`${s}\n`);

function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** 256 callers asking for one timestamp each, back to back, for `ms`; returns sorted latencies. */
async function tsoLoad(tc: TestCluster, ms: number): Promise<Float64Array> {
  // Preallocated: growing a JS array of ~10^6 numbers copies it and pauses this process for GC,
  // which would be measured as TSO latency.
  let latencies = new Float64Array(1 << 21);
  let n = 0;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: 256 }, async () => {
      while (Date.now() < end) {
        const t0 = performance.now();
        await tc.consensus.timestamp();
        if (n === latencies.length) {
          const bigger = new Float64Array(n * 2);
          bigger.set(latencies);
          latencies = bigger;
        }
        latencies[n++] = performance.now() - t0;
      }
    }),
  );
  return latencies.subarray(0, n).sort();
}

async function tso(tc: TestCluster): Promise<{ perSec: number; p50: number; p99: number }> {
  // Steady state, as the target means it: 1 s of warm-up (JIT, connections) is not counted.
  await tsoLoad(tc, 1000);
  // How late this process's own event loop ran: on a loaded machine that is part of every measured latency.
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const latencies = await tsoLoad(tc, 5000);
  lag.disable();
  say(`tso: bench process event-loop delay p50 ${(lag.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(2)} ms (load average ${loadavg()[0].toFixed(1)})`);
  return { perSec: Math.round(latencies.length / 5), p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function loadLubm(tc: TestCluster): Promise<number> {
  if (!existsSync(lubm)) throw new Error(`missing ${lubm}`);
  let n = 0;
  let pending: Quad[] = [];
  for await (const batch of parseBatches(createReadStream(lubm), { format: 'N-Triples' })) {
    pending.push(...batch);
    if (pending.length >= 50_000) {
      await tc.writer.write(await tc.consensus.timestamp(), pending);
      n += pending.length;
      pending = [];
    }
  }
  if (pending.length) await tc.writer.write(await tc.consensus.timestamp(), pending);
  return n + pending.length;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return (Date.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const tc = new TestCluster({ stores: 4, regions: 8, pdEnv: { QUARRY_STORE_DOWN_TIMEOUT_MS: '3000' } });
  try {
    await tc.start();
    // TSO-only: the same processes, but regions need not be up (the oracle does not use them).
    const regions = tsoOnly ? await tc.waitForRegions(20_000).catch(() => say('regions not up after 20 s; measuring the TSO anyway')) : await tc.waitForRegions(60_000);
    const t = await tso(tc);
    say(`tso: ${t.perSec} timestamps/s, p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms`);
    if (tsoOnly) {
      const out = { tsoPerSec: t.perSec, tsoP50Ms: Number(t.p50.toFixed(3)), tsoP99Ms: Number(t.p99.toFixed(3)), repairSeconds: null, balanceSeconds: null };
      process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    if (!regions) throw new Error('regions did not get leaders');
    say(`loaded ${await loadLubm(tc)} LUBM(1) triples`);
    await tc.waitConverged(regions, 60_000);
    await tc.procs.get('store-1')!.stop('SIGKILL');
    const killedAt = Date.now();
    await until(
      'repair',
      async () => {
        const map = await tc.stores.router.refresh();
        if (!map.regions.every((r) => r.stores.length === 3 && !r.stores.includes(1))) return false;
        const d = await tc.replicaDigests(regions);
        return [...d.values()].every((reps) => reps.every((x) => x.voters.length === 3 && !x.voters.includes(1) && x.applied === reps[0].applied));
      },
      120_000,
    );
    const repairSeconds = (Date.now() - killedAt) / 1000;
    say(`repair: ${repairSeconds} s after store 1 was killed (3 s of it is the store-down timeout)`);
    await tc.startStore(5);
    const balanceSeconds = await until(
      'balance',
      async () => {
        const map = await tc.stores.router.refresh();
        const live = [2, 3, 4, 5];
        const count = live.map((s) => map.regions.filter((r) => r.stores.includes(s)).length);
        const mean = count.reduce((a, b) => a + b, 0) / count.length;
        return count.every((c) => Math.abs(c - mean) <= 1);
      },
      180_000,
    );
    say(`balance: ${balanceSeconds} s after store 5 joined`);
    const out = { tsoPerSec: t.perSec, tsoP50Ms: Number(t.p50.toFixed(3)), tsoP99Ms: Number(t.p99.toFixed(3)), repairSeconds, balanceSeconds };
    process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await tc.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`bench:pd failed: ${err.message}\n`);
    process.exit(1);
  },
);
