/**
 * Storage benchmark: loads an N-Triples(.gz) file into a local QuadStore (no Raft) and into
 * Oxigraph's in-memory store, and reports ingest rate, bytes on disk and scan rate.
 * Run: npm run bench:storage -- [--json] [--file path] [--batch quads] [--rounds n] [--no-oxigraph]
 * Quarry and Oxigraph loads alternate for `rounds` rounds and medians are reported, so that
 * a busy machine hurts both sides alike; CPU-time rates are reported as well.
 * The last stdout line is JSON.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'n3';
import { Store as OxigraphStore } from 'oxigraph';
import { parseString, isGzip, namedNode } from '@quarry/rdf';
import { QuadStore, MAX_TIMESTAMP } from '@quarry/storage';
import { parseArgs, type BenchArgs } from './args';
import { diskUsage, type DiskUsage } from './disk-usage';
import { measure, median, type Timing } from './measure';
import { replicatedIngest, type ReplicatedResult } from './replicated-ingest';
import { ingest } from './local-ingest';

const REGION = 1n;

function scanAllPatterns(store: QuadStore): number {
  const patterns = [{}, ...store.regionStats(REGION).predicates.map((p) => ({ p: namedNode(p.predicate) }))];
  let quads = 0;
  for (const pattern of patterns) {
    let cursor: string | undefined;
    do {
      const page = store.scan({ regionId: REGION, pattern, readTs: MAX_TIMESTAMP, limit: 10_000, cursor });
      quads += page.quads.length;
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return quads;
}

interface QuarryRound {
  ingest: Timing;
  disk?: DiskUsage;
  scan?: { quads: number; timing: Timing };
}

/** One ingest into a fresh store; the last round also measures disk use and scans. */
async function quarryRound(text: string, triples: number, args: BenchArgs, measureRest: boolean): Promise<QuarryRound> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-'));
  const store = new QuadStore({ path: dir, noSync: true, maxBatchQuads: Math.max(args.batchSize * 2, 1_000_000), writerThread: args.writerThread });
  try {
    await store.createRegion(REGION);
    const [ingested, timing] = await measure(() => ingest(store, REGION, text, args.batchSize));
    if (ingested !== triples) throw new Error(`ingested ${ingested} quads, expected ${triples}`);
    if (!measureRest) return { ingest: timing };
    const disk = await diskUsage(store, dir);
    const [quads, scanTiming] = await measure(() => scanAllPatterns(store));
    return { ingest: timing, disk, scan: { quads, timing: scanTiming } };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oxigraphRound(text: string): Promise<Timing & { size: number }> {
  const [size, timing] = await measure(() => {
    const store = new OxigraphStore();
    store.load(text, { format: 'application/n-triples' });
    return store.size;
  });
  return { ...timing, size };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => {
    if (!args.json) console.log(line);
  };
  const raw = readFileSync(args.file);
  const text = (isGzip(raw) ? gunzipSync(raw) : raw).toString('utf8');

  const [n3Quads, n3Timing] = await measure(() => new Parser({ format: 'N-Triples' }).parse(text));
  const [fastQuads, fastTiming] = await measure(() => parseString(text, { format: 'N-Triples' }));
  const triples = n3Quads.length;
  log(`parse only: n3 ${(triples / n3Timing.wallSeconds).toFixed(0)} t/s, fast line parser ${(fastQuads.length / fastTiming.wallSeconds).toFixed(0)} t/s`);

  const quarry: QuarryRound[] = [];
  const oxigraph: (Timing & { size: number })[] = [];
  for (let round = 0; round < args.rounds; round++) {
    quarry.push(await quarryRound(text, triples, args, round === args.rounds - 1));
    if (!args.skipOxigraph) oxigraph.push(await oxigraphRound(text));
  }
  const rate = (timings: Timing[], key: keyof Timing): number => median(timings.map((t) => triples / t[key]));
  const localIngestTps = rate(
    quarry.map((r) => r.ingest),
    'wallSeconds',
  );
  const localIngestCpuTps = rate(
    quarry.map((r) => r.ingest),
    'cpuSeconds',
  );
  const last = quarry[quarry.length - 1];
  const disk = last.disk!;
  const scan = last.scan!;
  log(`quarry ingest (median of ${args.rounds}, batches of ${args.batchSize}): ${localIngestTps.toFixed(0)} t/s wall, ${localIngestCpuTps.toFixed(0)} t/CPU-s`);
  log(`quarry disk: ${(disk.fileBytes / triples).toFixed(1)} B/triple data file, ${(disk.liveBytes / triples).toFixed(1)} B/triple live (compacted copy)`);
  log(`quarry scan: ${scan.quads} quads in ${scan.timing.wallSeconds.toFixed(2)} s = ${(scan.quads / scan.timing.wallSeconds).toFixed(0)} quads/s`);

  let replicated: ReplicatedResult | undefined;
  if (args.replicated) {
    replicated = await replicatedIngest(text, args.replicatedBatchSize, args.natsUrl, args.inflight);
    if (replicated.triples !== triples || replicated.replicaQuads.some((n) => n !== triples) || !replicated.checksumsAgree) {
      throw new Error(`replicated ingest lost data: ${JSON.stringify(replicated)}`);
    }
    log(
      `quarry replicated durable ingest (3 replicas, NATS, fsync): ${(triples / replicated.ackSeconds).toFixed(0)} t/s to the last ack, ` +
        `${(triples / replicated.allAppliedSeconds).toFixed(0)} t/s until every replica applied (${replicated.batches} Raft entries, ${replicated.retries} resent)`,
    );
  }

  let oxigraphResult: { loadTps: number; loadCpuTps: number } | { loadTps: null } = { loadTps: null };
  if (oxigraph.length > 0) {
    if (oxigraph.some((o) => o.size !== triples)) throw new Error('oxigraph loaded a different number of triples');
    const loadTps = rate(oxigraph, 'wallSeconds');
    const loadCpuTps = rate(oxigraph, 'cpuSeconds');
    oxigraphResult = { loadTps: Math.round(loadTps), loadCpuTps: Math.round(loadCpuTps) };
    log(`oxigraph in-memory load (median of ${args.rounds}): ${loadTps.toFixed(0)} t/s wall, ${loadCpuTps.toFixed(0)} t/CPU-s`);
    log(`ratio quarry/oxigraph ingest: ${(localIngestTps / loadTps).toFixed(2)} wall, ${(localIngestCpuTps / loadCpuTps).toFixed(2)} CPU`);
    if (replicated) log(`ratio replicated/oxigraph: ${(triples / replicated.ackSeconds / loadTps).toFixed(2)} wall`);
  }
  const result = {
    quarry: {
      localIngestTps: Math.round(localIngestTps),
      replicatedIngestTps: replicated ? Math.round(triples / replicated.ackSeconds) : null,
      bytesPerTriple: Number((disk.fileBytes / triples).toFixed(1)),
      scanQuadsPerSec: Math.round(scan.quads / scan.timing.wallSeconds),
      localIngestCpuTps: Math.round(localIngestCpuTps),
      liveBytesPerTriple: Number((disk.liveBytes / triples).toFixed(1)),
      parseOnlyTps: { n3: Math.round(triples / n3Timing.wallSeconds), fastLineParser: Math.round(fastQuads.length / fastTiming.wallSeconds) },
      replicatedAllAppliedTps: replicated ? Math.round(triples / replicated.allAppliedSeconds) : null,
      replicatedResent: replicated ? replicated.retries : null,
      replicatedReplicaCpuTps: replicated ? Math.round(triples / replicated.replicaCpuSeconds) : null,
      replicaBytesPerTriple: replicated ? Number((Math.max(...replicated.replicaDataFileBytes) / triples).toFixed(1)) : null,
      localWriterThread: args.writerThread,
      batchSize: args.batchSize,
      replicatedBatchSize: args.replicatedBatchSize,
      rounds: args.rounds,
    },
    oxigraph: oxigraphResult,
  };
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
