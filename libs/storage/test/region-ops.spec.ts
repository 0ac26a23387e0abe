import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { subjectHashKey, namedNode, literal, quad, type Quad } from '@quarry/rdf';
import { CorruptDataError, type QuadStore } from '@quarry/storage';
import { tempStore, quadPoolArb, quadFrom, quadIndexArb, quadKey } from './support';
import { ReferenceStore } from './reference-model';

const historyArb = fc.array(fc.record({ inserts: fc.array(quadIndexArb, { maxLength: 15 }), deletes: fc.array(quadIndexArb, { maxLength: 5 }) }), {
  minLength: 1,
  maxLength: 5,
});

async function load(
  store: QuadStore,
  regionId: bigint,
  pool: Parameters<typeof quadFrom>[0],
  history: { inserts: number[][]; deletes: number[][] }[],
): Promise<{ model: ReferenceStore; timestamps: bigint[] }> {
  if (store.hasRegion(regionId)) await store.dropRegion(regionId);
  await store.createRegion(regionId);
  const model = new ReferenceStore();
  const timestamps: bigint[] = [];
  let ts = 10n;
  for (const batch of history) {
    ts += 10n;
    const inserts = batch.inserts.map((i) => quadFrom(pool, i));
    const deletes = batch.deletes.map((i) => quadFrom(pool, i));
    await store.applyBatch(regionId, ts, inserts, deletes);
    model.apply(ts, inserts, deletes);
    timestamps.push(ts);
  }
  return { model, timestamps };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(Uint8Array.from(c));
  return out;
}

function allKeys(store: QuadStore, regionId: bigint, readTs: bigint): string[] {
  return store.scan({ regionId, pattern: {}, readTs, limit: 1_000_000 }).quads.map(quadKey).sort();
}

describe('region operations', () => {
  it('snapshot then restore (into another region id) preserves every version', async () => {
    const { store, dispose } = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(quadPoolArb(), historyArb, async (pool, history) => {
          const { timestamps } = await load(store, 1n, pool, history);
          const chunks = await collect(store.snapshot(1n));
          if (store.hasRegion(2n)) await store.dropRegion(2n);
          await store.restoreSnapshot(2n, chunks);
          for (const ts of [...timestamps, 1n << 62n]) expect(store.checksum(2n, ts)).toBe(store.checksum(1n, ts));
          // restoring over existing data replaces it
          await store.restoreSnapshot(2n, chunks);
          expect(store.regionStats(2n).entryCount).toBe(store.regionStats(1n).entryCount);
        }),
        { numRuns: 40 },
      );
    } finally {
      await dispose();
    }
  });

  it('rejects truncated or corrupted snapshots without writing', async () => {
    const { store, dispose } = await tempStore();
    try {
      await load(store, 1n, { subjects: [], predicates: [], objects: [], graphs: [] }, []);
      await store.applyBatch(1n, 5n, [quad(namedNode('http://s'), namedNode('http://p'), literal('a long literal value, hashed'))]);
      const chunks = await collect(store.snapshot(1n));
      const whole = Buffer.concat(chunks);
      await expect(store.restoreSnapshot(3n, [whole.subarray(0, whole.length - 3)])).rejects.toThrow(CorruptDataError);
      const flipped = Buffer.from(whole);
      flipped[4] = 0x77; // unknown record tag
      await expect(store.restoreSnapshot(3n, [flipped])).rejects.toThrow(CorruptDataError);
      expect(store.hasRegion(3n)).toBe(false);
    } finally {
      await dispose();
    }
  });

  it('split loses and duplicates nothing, and routes by subject hash', async () => {
    const { store, dispose } = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(quadPoolArb(), historyArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), async (pool, history, splitKey) => {
          const { timestamps } = await load(store, 1n, pool, history);
          const before = new Map(timestamps.map((ts) => [ts, allKeys(store, 1n, ts)]));
          if (store.hasRegion(2n)) await store.dropRegion(2n);
          await store.splitRegion(1n, 2n, splitKey, { removeFromSource: true });
          const key = Buffer.alloc(8);
          key.writeBigUInt64BE(splitKey);
          for (const ts of timestamps) {
            const left = store.scan({ regionId: 1n, pattern: {}, readTs: ts, limit: 1_000_000 }).quads;
            const right = store.scan({ regionId: 2n, pattern: {}, readTs: ts, limit: 1_000_000 }).quads;
            const above = (q: Quad): boolean => Buffer.compare(Buffer.from(subjectHashKey(q.subject)), key) >= 0;
            expect(left.every((q) => !above(q))).toBe(true);
            expect(right.every(above)).toBe(true);
            expect([...left, ...right].map(quadKey).sort()).toEqual(before.get(ts));
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      await dispose();
    }
  });

  it('gc keeps every read at or after the safe point unchanged and shrinks history', async () => {
    const { store, dispose } = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(quadPoolArb(), historyArb, fc.nat(6), async (pool, history, pick) => {
          const { timestamps } = await load(store, 1n, pool, history);
          const safePoint = timestamps[pick % timestamps.length] + BigInt(pick % 2);
          const readTimes = [...timestamps, 1n << 62n].filter((t) => t >= safePoint);
          const before = readTimes.map((ts) => store.checksum(1n, ts));
          const entriesBefore = store.regionStats(1n).entryCount;
          const removed = await store.gc(1n, safePoint);
          expect(readTimes.map((ts) => store.checksum(1n, ts))).toEqual(before);
          expect(store.regionStats(1n).entryCount).toBe(entriesBefore - removed);
          expect(await store.gc(1n, safePoint)).toBe(0);
        }),
        { numRuns: 40 },
      );
    } finally {
      await dispose();
    }
  });

  it('drop removes the region and all its data; stats count predicates', async () => {
    const { store, dispose } = await tempStore();
    try {
      await store.createRegion(1n);
      await store.createRegion(2n);
      const p1 = namedNode('http://example.org/p1'),
        p2 = namedNode('http://p2');
      const quads = [
        quad(namedNode('http://s1'), p1, literal('a')),
        quad(namedNode('http://s2'), p1, literal('b')),
        quad(namedNode('http://s1'), p2, literal('c'), namedNode('http://g')),
      ];
      await store.applyBatch(1n, 1n, quads);
      await store.applyBatch(2n, 1n, quads);
      const stats = store.regionStats(1n);
      expect(stats.quadCount).toBe(3);
      expect(stats.predicates).toEqual([
        { predicate: p1.value, count: 2 },
        { predicate: p2.value, count: 1 },
      ]);
      expect(stats.approximateBytes).toBeGreaterThan(0);
      await store.dropRegion(1n);
      expect(store.hasRegion(1n)).toBe(false);
      await store.createRegion(1n);
      expect(store.regionStats(1n).entryCount).toBe(0);
      expect(store.regionStats(2n).quadCount).toBe(3);
    } finally {
      await dispose();
    }
  });
});
