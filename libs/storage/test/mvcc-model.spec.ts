import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import type { Quad } from '@quarry/rdf';
import type { QuadPattern, QuadStore } from '@quarry/storage';
import { tempStore, quadPoolArb, quadFrom, quadIndexArb, quadKey } from './support';
import { ReferenceStore } from './reference-model';

const batchArb = fc.array(
  fc.record({ inserts: fc.array(quadIndexArb, { maxLength: 12 }), deletes: fc.array(quadIndexArb, { maxLength: 6 }), gap: fc.integer({ min: 1, max: 5 }) }),
  { minLength: 1, maxLength: 6 },
);
const patternArb = fc.record({ s: fc.option(fc.nat(50)), p: fc.option(fc.nat(50)), o: fc.option(fc.nat(50)), g: fc.option(fc.nat(50)) });

function scanAllPages(store: QuadStore, pattern: QuadPattern, readTs: bigint, limit: number): string[] {
  const keys: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = store.scan({ regionId: 7n, pattern, readTs, limit, cursor });
    expect(page.quads.length).toBeLessThanOrEqual(limit);
    keys.push(...page.quads.map(quadKey));
    cursor = page.cursor;
    if (++pages > 10_000) throw new Error('scan does not terminate');
  } while (cursor !== undefined);
  return keys;
}

describe('quad store against a reference model', () => {
  it.each([
    ['synchronous puts, each batch awaited', false],
    ["puts on lmdb-js's writer thread, batches started without waiting for the previous one", true],
  ])('scans agree with the model at every timestamp, across pages, with deletes (property): %s', async (_mode, writerThread) => {
    const { store, dispose } = await tempStore({ writerThread });
    let region = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          quadPoolArb(),
          batchArb,
          fc.array(patternArb, { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 7 }),
          async (pool, batches, patterns, limit) => {
            // fresh region per run: same store, isolated key range
            region++;
            const regionId = 7n;
            if (store.hasRegion(regionId)) await store.dropRegion(regionId);
            await store.createRegion(regionId);
            const model = new ReferenceStore();
            let ts = 100n;
            const timestamps: bigint[] = [];
            const applied: Promise<void>[] = [];
            for (const batch of batches) {
              ts += BigInt(batch.gap);
              const inserts: Quad[] = batch.inserts.map((i) => quadFrom(pool, i));
              const deletes: Quad[] = batch.deletes.map((i) => quadFrom(pool, i));
              // the store must order overlapping writes itself (term ids come from the committed dictionary)
              const write = store.applyBatch(regionId, ts, inserts, deletes);
              if (writerThread) applied.push(write);
              else await write;
              model.apply(ts, inserts, deletes);
              timestamps.push(ts);
            }
            await Promise.all(applied);
            const readTimes = [99n, ...timestamps, ...timestamps.map((t) => t - 1n), ts + 10n];
            for (const p of patterns) {
              const pattern: QuadPattern = {
                s: p.s === null ? undefined : pool.subjects[p.s % pool.subjects.length],
                p: p.p === null ? undefined : pool.predicates[p.p % pool.predicates.length],
                o: p.o === null ? undefined : pool.objects[p.o % pool.objects.length],
                g: p.g === null ? undefined : pool.graphs[p.g % pool.graphs.length],
              };
              for (const readTs of readTimes) {
                const expected = model.match(pattern, readTs);
                const got = scanAllPages(store, pattern, readTs, limit);
                expect(new Set(got).size).toBe(got.length); // no duplicates across pages
                expect([...got].sort()).toEqual(expected);
                expect(store.estimate(regionId, pattern)).toBeGreaterThanOrEqual(expected.length);
              }
            }
          },
        ),
        { numRuns: 100 },
      );
    } finally {
      await dispose();
    }
    expect(region).toBeGreaterThan(0);
  });

  it('re-applying a batch at the same timestamp changes nothing', async () => {
    const { store, dispose } = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(
          quadPoolArb(),
          fc.array(quadIndexArb, { minLength: 1, maxLength: 20 }),
          fc.array(quadIndexArb, { maxLength: 5 }),
          async (pool, ins, del) => {
            if (store.hasRegion(1n)) await store.dropRegion(1n);
            await store.createRegion(1n);
            const inserts = ins.map((i) => quadFrom(pool, i));
            const deletes = del.map((i) => quadFrom(pool, i));
            await store.applyBatch(1n, 5n, inserts, []);
            await store.applyBatch(1n, 9n, inserts, deletes);
            const before = [store.checksum(1n), store.checksum(1n, 5n), store.regionStats(1n).entryCount];
            await store.applyBatch(1n, 9n, inserts, deletes);
            await store.applyEncodedBatch(1n, 9n, store.encodeToBytes(inserts, deletes));
            expect([store.checksum(1n), store.checksum(1n, 5n), store.regionStats(1n).entryCount]).toEqual(before);
          },
        ),
        { numRuns: 40 },
      );
    } finally {
      await dispose();
    }
  });
});
