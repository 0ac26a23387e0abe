/**
 * Micro-benchmark of the durable log (not a test). Run:
 *
 *   npx vite-node libs/raft/src/log/bench.ts            # temp dir under os.tmpdir()
 *   BENCH_DIR=/data/bench npx vite-node libs/raft/src/log/bench.ts
 *
 * Prints the raw fdatasync cost of the disk, then entries/s and fsyncs/s for 100-byte entries
 * written in batches of various sizes (one batch = one writev + one fdatasync), for many groups
 * appending concurrently (group commit coalescing), read throughput, and CRC32C speed.
 */
import * as fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry } from '../types';
import { crc32c, crc32cImplementation } from './crc32c';
import { crc32cSoftware } from './crc32c-software';
import { RaftLogEngine } from './raft-log-engine';

const ENTRY_BYTES = 100;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);

function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

function payload(): Uint8Array {
  return new Uint8Array(ENTRY_BYTES).fill(7);
}

function rawFdatasync(dir: string): void {
  const path = join(dir, 'fsync-probe');
  const fd = fs.openSync(path, 'w');
  const buf = Buffer.alloc(ENTRY_BYTES, 1);
  let n = 0;
  const start = now();
  while (now() - start < SECONDS) {
    fs.writeSync(fd, buf, 0, buf.length, n * buf.length);
    fs.fdatasyncSync(fd);
    n++;
  }
  const elapsed = now() - start;
  fs.closeSync(fd);
  fs.unlinkSync(path);
  console.log(`raw write(100 B)+fdatasync: ${((elapsed / n) * 1e6).toFixed(0)} us each, ${(n / elapsed).toFixed(0)} fsyncs/s`);
}

/** Sequential batches of `perBatch` entries spread over `groups` groups. */
async function batched(dir: string, perBatch: number, groups: number): Promise<void> {
  const engine = await RaftLogEngine.open(join(dir, `batched-${perBatch}`));
  const next = new Array<number>(groups + 1).fill(1);
  const data = payload();
  let entries = 0;
  const fsyncs0 = engine.stats().fsyncs;
  const start = now();
  while (now() - start < SECONDS) {
    const batch = engine.newBatch();
    const perGroup = new Map<number, Entry[]>();
    for (let k = 0; k < perBatch; k++) {
      const g = 1 + ((entries + k) % groups);
      const list = perGroup.get(g) ?? [];
      list.push({ term: 1, index: next[g]++, type: 'normal', data });
      perGroup.set(g, list);
    }
    for (const [g, list] of perGroup) {
      batch.append(g, list);
      batch.setHardState(g, { term: 1, vote: 1, commit: next[g] - 1 });
    }
    await engine.write(batch);
    entries += perBatch;
  }
  report(
    `batches of ${String(perBatch).padStart(4)} entries (${Math.min(groups, perBatch)} groups/batch)`,
    entries,
    engine.stats().fsyncs - fsyncs0,
    now() - start,
  );
  await engine.close();
}

/** `groups` independent writers each awaiting their own single-entry appends. */
async function concurrent(dir: string, groups: number): Promise<void> {
  const engine = await RaftLogEngine.open(join(dir, `concurrent-${groups}`));
  const data = payload();
  let entries = 0;
  const fsyncs0 = engine.stats().fsyncs;
  const start = now();
  await Promise.all(
    Array.from({ length: groups }, async (_, k) => {
      const log = engine.group(k + 1);
      for (let i = 1; now() - start < SECONDS; i++) {
        await log.append([{ term: 1, index: i, type: 'normal', data }]);
        entries++;
      }
    }),
  );
  report(`${String(groups).padStart(4)} groups appending concurrently, 1 entry each`, entries, engine.stats().fsyncs - fsyncs0, now() - start);
  await engine.close();
}

async function reads(dir: string): Promise<void> {
  for (const cacheBytes of [256 << 20, 0]) {
    const engine = await RaftLogEngine.open(join(dir, `reads-${cacheBytes}`), { cacheBytes });
    const data = payload();
    const log = engine.group(1);
    const total = 100_000;
    for (let i = 1; i <= total; i += 1000) {
      await log.append(Array.from({ length: 1000 }, (_, k) => ({ term: 1, index: i + k, type: 'normal' as const, data })));
    }
    let read = 0;
    const start = now();
    while (now() - start < SECONDS / 2) {
      const lo = 1 + Math.floor(Math.random() * (total - 100));
      read += log.entries(lo, lo + 100, Number.MAX_SAFE_INTEGER).length;
    }
    const s = now() - start;
    console.log(`entries(lo, lo+100) ${cacheBytes > 0 ? 'from cache' : 'from disk (no cache)'}: ${fmt(read / s)} entries/s`);
    await engine.close();
  }
}

/** Time to open (replay) a WAL of 1M entries over 1000 groups. */
async function recovery(dir: string): Promise<void> {
  const path = join(dir, 'recovery');
  let engine = await RaftLogEngine.open(path);
  const data = payload();
  const total = 1_000_000;
  const groups = 1000;
  for (let first = 1; first <= total / groups; first += 10) {
    const batch = engine.newBatch();
    for (let g = 1; g <= groups; g++) {
      batch.append(
        g,
        Array.from({ length: 10 }, (_, k) => ({ term: 1, index: first + k, type: 'normal' as const, data })),
      );
    }
    await engine.write(batch);
  }
  const segments = engine.stats().segments.length;
  await engine.close();
  const start = now();
  engine = await RaftLogEngine.open(path);
  const s = now() - start;
  console.log(`open/replay of ${fmt(total)} entries (${groups} groups, ${segments} segments): ${(s * 1000).toFixed(0)} ms`);
  await engine.close();
}

function crcSpeed(): void {
  for (const size of [100, 4096, 1 << 20]) {
    const buf = Buffer.alloc(size, 3);
    for (const [name, f] of [
      ['software', crc32cSoftware],
      [`auto(${crc32cImplementation})`, crc32c],
    ] as const) {
      const iters = Math.max(50, Math.floor((128 << 20) / size));
      const start = now();
      for (let i = 0; i < iters; i++) f(buf);
      const s = now() - start;
      console.log(`crc32c ${name.padEnd(14)} ${String(size).padStart(7)} B: ${((size * iters) / s / 2 ** 20).toFixed(0)} MiB/s`);
    }
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function report(what: string, entries: number, fsyncs: number, s: number): void {
  console.log(`${what}: ${fmt(entries / s)} entries/s, ${fmt(fsyncs / s)} fsyncs/s, ${((entries * ENTRY_BYTES) / s / 2 ** 20).toFixed(1)} MiB/s payload`);
}

async function main(): Promise<void> {
  const base = process.env.BENCH_DIR ?? tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const dir = await mkdtemp(join(base, 'quarry-log-bench-'));
  try {
    console.log(`dir ${dir}, 100-byte entries, ${SECONDS}s per case, crc32c=${crc32cImplementation}`);
    rawFdatasync(dir);
    for (const perBatch of [1, 10, 100, 1000, 10000]) await batched(dir, perBatch, 1000);
    for (const groups of [1, 100, 1000]) await concurrent(dir, groups);
    await reads(dir);
    await recovery(dir);
    crcSpeed();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
