import { describe, it, expect } from 'vitest';
import { rmSync } from 'node:fs';
import { open, type Database } from 'lmdb';
import fc from 'fast-check';
import { namedNode, literal, quad, type Quad, type Term } from '@quarry/rdf';
import { IncompatibleLayoutError, MAX_TIMESTAMP, QuadStore, type QuadPattern, type QuadStoreOptions } from '@quarry/storage';
import { putSnapshotRecords, readSnapshot } from '../src/region-snapshot';
import { regionEnd, regionPrefix } from '../src/keys';
import { listedVisibility, readCommitSummary } from '../src/commit-summary';
import { LAYOUT_VERSION } from '../src/lmdb-env';
import { quadFrom, quadIndexArb, quadKey, quadPoolArb, tempStore } from './support';

type Pool = Parameters<typeof quadFrom>[0];

const historyArb = fc.array(fc.record({ inserts: fc.array(quadIndexArb, { maxLength: 12 }), deletes: fc.array(quadIndexArb, { maxLength: 6 }) }), {
  minLength: 1,
  maxLength: 5,
});

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(Uint8Array.from(c));
  return out;
}

/** Every page of a scan, `limit` quads at a time, as sorted quad keys. */
function scanKeys(store: QuadStore, regionId: bigint, pattern: QuadPattern, readTs: bigint, limit: number): string[] {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = store.scan({ regionId, pattern, readTs, limit, cursor });
    keys.push(...page.quads.map(quadKey));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return keys;
}

/** The union of the scans of `patterns`, deduplicated and sorted (a quad may match two of them). */
function unionKeys(store: QuadStore, regionId: bigint, patterns: QuadPattern[], readTs: bigint): string[] {
  return [...new Set(patterns.flatMap((pattern) => scanKeys(store, regionId, pattern, readTs, 3)))].sort();
}

/**
 * The predicate-first and object-first indexes (no versions of their own) must list exactly the
 * quads the subject-first index (which holds the versions) shows, at every read timestamp.
 */
function expectIndexesAgree(store: QuadStore, regionId: bigint, pool: Pool, timestamps: bigint[]): void {
  const predicates = pool.predicates.map((p) => ({ p: p as Quad['predicate'] }));
  const objects = pool.objects.map((o) => ({ o: o as Term as Quad['object'] }));
  const pairs = predicates.flatMap(({ p }) => objects.map(({ o }) => ({ p, o })));
  for (const ts of timestamps) {
    const bySubject = [...scanKeys(store, regionId, {}, ts, 1_000_000)].sort();
    expect(unionKeys(store, regionId, predicates, ts)).toEqual(bySubject);
    expect(unionKeys(store, regionId, objects, ts)).toEqual(bySubject);
    expect(unionKeys(store, regionId, pairs, ts)).toEqual(bySubject);
  }
}

/**
 * Applies `history`, batch k at commit ts 20 + 10k, in the order of `applyOrder` (sort keys: Raft
 * may apply a transaction's commit after a later write); returns timestamps to read at, between
 * and at the commits.
 */
async function load(
  store: QuadStore,
  regionId: bigint,
  pool: Pool,
  history: { inserts: number[][]; deletes: number[][] }[],
  applyOrder: number[] = [],
): Promise<bigint[]> {
  for (const id of [regionId, regionId + 1n]) if (store.hasRegion(id)) await store.dropRegion(id);
  await store.createRegion(regionId);
  const timestamps: bigint[] = [5n];
  const order = history.map((_, k) => k).sort((a, b) => (applyOrder[a] ?? a) - (applyOrder[b] ?? b) || a - b);
  for (const k of order) {
    const batch = history[k];
    const ts = 20n + 10n * BigInt(k);
    await store.applyBatch(
      regionId,
      ts,
      batch.inserts.map((i) => quadFrom(pool, i)),
      batch.deletes.map((i) => quadFrom(pool, i)),
    );
    timestamps.push(ts - 1n, ts);
  }
  timestamps.push(MAX_TIMESTAMP);
  return timestamps.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('version-less indexes (pos, osp and the named-graph ones)', () => {
  it('agree with the subject-first index at every timestamp, after gc, restore, merge, split and reopen (property)', async () => {
    // reopened for every run, with the in-memory caches (region-read-cache.ts) at their defaults
    // or so small that the recent-inserts log overflows (its horizon advances) and the markers
    // are looked up in LMDB
    const { store: first, dir } = await tempStore();
    let store = first;
    const reopen = async (options: Partial<QuadStoreOptions>): Promise<void> => {
      await store.close();
      store = new QuadStore({ path: dir, noSync: true, ...options });
    };
    try {
      await fc.assert(
        fc.asyncProperty(
          quadPoolArb(),
          historyArb,
          fc.constantFrom('plain', 'gc', 'restore', 'merge', 'split', 'reopen'),
          fc.nat(20),
          fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
          fc.array(fc.nat(9), { minLength: 5, maxLength: 5 }),
          fc.constantFrom<Partial<QuadStoreOptions>>(
            {},
            { recentInsertsPerRegion: 3, maxCachedMarkers: 1 },
            { recentInsertsPerRegion: 0, maxCachedMarkers: 0 },
          ),
          async (pool, history, operation, pick, splitKey, applyOrder, caches) => {
            await reopen(caches);
            const timestamps = await load(store, 1n, pool, history, applyOrder);
            if (operation === 'plain') expectIndexesAgree(store, 1n, pool, timestamps);
            if (operation === 'reopen') {
              expectIndexesAgree(store, 1n, pool, timestamps);
              await reopen(caches);
              expectIndexesAgree(store, 1n, pool, timestamps);
              // written after the restart: the log starts at the newest commit before it
              await store.applyBatch(1n, 25n, [quadFrom(pool, [pick, pick, pick, pick])], [quadFrom(pool, [0, 0, 0, 0])]);
              await store.applyBatch(1n, 200n, [quadFrom(pool, [pick + 1, pick, pick, pick])]);
              expectIndexesAgree(store, 1n, pool, [...timestamps, 24n, 25n, 199n, 200n]);
            }
            if (operation === 'gc') {
              const safePoint = timestamps[pick % timestamps.length];
              await store.gc(1n, safePoint);
              expectIndexesAgree(
                store,
                1n,
                pool,
                timestamps.filter((t) => t >= safePoint),
              );
            }
            if (operation === 'restore') {
              await store.restoreSnapshot(2n, await collect(store.snapshot(1n)));
              expectIndexesAgree(store, 2n, pool, timestamps);
            }
            if (operation === 'merge') {
              await store.createRegion(2n);
              await store.applyBatch(2n, 3n, [quadFrom(pool, [pick, pick, pick, pick])]);
              const records = await readSnapshot(await collect(store.snapshot(1n)));
              await store.env.root.transaction(() => putSnapshotRecords(store.env, regionPrefix(2n), records));
              // written behind the store's back (the cluster merges through applyEncodedBatch)
              store.decoder.forget(regionPrefix(2n));
              store.readCaches.forget(regionPrefix(2n));
              expectIndexesAgree(store, 2n, pool, timestamps);
            }
            if (operation === 'split') {
              await store.splitRegion(1n, 2n, splitKey, { removeFromSource: true });
              expectIndexesAgree(store, 1n, pool, timestamps);
              expectIndexesAgree(store, 2n, pool, timestamps);
            }
          },
        ),
        { numRuns: 80 },
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('read the versions of many quads for a read older than the last write', async () => {
    const { store, dispose } = await tempStore();
    try {
      const ex = (local: string): ReturnType<typeof namedNode> => namedNode(`http://example.org/${local}`);
      const [type, name, rare] = [ex('type'), ex('name'), ex('rare')];
      const subjects = Array.from({ length: 1300 }, (_, i) => ex(`s${i}`));
      const first: Quad[] = subjects.flatMap((s, i) => [quad(s, type, ex(`C${i % 3}`)), quad(s, name, literal(`name ${i}`))]);
      first.push(quad(subjects[0], rare, literal('r')), quad(subjects[1299], rare, literal('r')));
      await store.createRegion(1n);
      await store.applyBatch(1n, 10n, first);
      const deleted = first.filter((_, i) => i % 7 === 0);
      const added = subjects.filter((_, i) => i % 5 === 0).map((s) => quad(s, type, ex('C9')));
      await store.applyBatch(1n, 20n, added, deleted);
      const expected = (ts: bigint, keep: (q: Quad) => boolean): string[] => {
        const live = ts >= 20n ? [...first.filter((q) => !deleted.includes(q)), ...added] : first;
        return live.filter(keep).map(quadKey).sort();
      };
      for (const ts of [15n, 20n]) {
        expect(scanKeys(store, 1n, { p: type }, ts, 700).sort()).toEqual(expected(ts, (q) => q.predicate.equals(type)));
        expect(scanKeys(store, 1n, { o: ex('C1') }, ts, 1000).sort()).toEqual(expected(ts, (q) => q.object.equals(ex('C1'))));
        expect(scanKeys(store, 1n, { p: rare }, ts, 10).sort()).toEqual(expected(ts, (q) => q.predicate.equals(rare)));
      }
      expect(listedVisibility(readCommitSummary(store.env, regionPrefix(1n)), 15n)).toBe('versions');
      // a quad next to a subject with many quads, and its neighbour deleted after the read
      const [hub, leaf, many, rare2] = [namedNode('http://h/1'), namedNode('http://h/2'), ex('many'), ex('rare2')];
      const hubQuads = Array.from({ length: 100 }, (_, i) => quad(hub, many, literal(String(i), ex('int'))));
      await store.applyBatch(1n, 30n, [...hubQuads, quad(hub, rare2, literal('x')), quad(leaf, rare2, literal('y'))]);
      await store.applyBatch(1n, 40n, [], [quad(leaf, rare2, literal('y'))]);
      expect(listedVisibility(readCommitSummary(store.env, regionPrefix(1n)), 35n)).toBe('versions');
      const rare2Keys = [quad(hub, rare2, literal('x')), quad(leaf, rare2, literal('y'))].map(quadKey).sort();
      expect(scanKeys(store, 1n, { p: rare2 }, 35n, 10).sort()).toEqual(rare2Keys);
      expect(scanKeys(store, 1n, { p: rare2 }, 25n, 10)).toEqual([]);
      expect(scanKeys(store, 1n, { p: rare2 }, 40n, 10)).toEqual(rare2Keys.slice(0, 1));
    } finally {
      await dispose();
    }
  });

  it('keep a tombstone marker while a tombstone exists, and gc removes the quad from every index', async () => {
    const { store, dispose } = await tempStore();
    try {
      const region = regionPrefix(1n);
      const markers = (): number => store.env.tombstoned.getCount({ start: region, end: regionEnd(1n) });
      const q = quad(namedNode('http://example.org/s'), namedNode('http://example.org/p'), literal('a literal long enough to be hashed'));
      await store.createRegion(1n);
      expect(listedVisibility(readCommitSummary(store.env, region), MAX_TIMESTAMP)).toBe('versions');
      await store.applyBatch(1n, 10n, [q]);
      expect(listedVisibility(readCommitSummary(store.env, region), 10n)).toBe('all');
      expect(listedVisibility(readCommitSummary(store.env, region), 9n)).toBe('versions');
      expect(scanKeys(store, 1n, { p: q.predicate }, 9n, 10)).toEqual([]);
      expect(scanKeys(store, 1n, { p: q.predicate }, 10n, 10)).toEqual([quadKey(q)]);

      await store.applyBatch(1n, 20n, [], [q]);
      expect(markers()).toBe(1);
      expect(listedVisibility(readCommitSummary(store.env, region), 20n)).toBe('unlessTombstoned');
      expect(scanKeys(store, 1n, { o: q.object }, 15n, 10)).toEqual([quadKey(q)]);
      expect(scanKeys(store, 1n, { o: q.object }, 20n, 10)).toEqual([]);
      expect(store.estimate(1n, { p: q.predicate })).toBe(1);

      // the tombstone is the newest version at the safe point: the quad leaves every index
      expect(await store.gc(1n, 25n)).toBe(4); // insert and tombstone in dspo, the pos and osp entries
      expect(markers()).toBe(0);
      expect(store.estimate(1n, { p: q.predicate })).toBe(0);
      expect(store.estimate(1n, { o: q.object })).toBe(0);
      expect(listedVisibility(readCommitSummary(store.env, region), 25n)).toBe('all');

      // deleted and inserted again: gc keeps the insert, drops the tombstone and its marker
      await store.applyBatch(1n, 30n, [q]);
      await store.applyBatch(1n, 40n, [], [q]);
      await store.applyBatch(1n, 50n, [q]);
      expect(markers()).toBe(1);
      await store.gc(1n, 55n);
      expect(markers()).toBe(0);
      expect(scanKeys(store, 1n, { p: q.predicate }, 55n, 10)).toEqual([quadKey(q)]);
      expect(listedVisibility(readCommitSummary(store.env, region), 55n)).toBe('all');
    } finally {
      await dispose();
    }
  });

  it('a store records its layout and refuses one written by another layout', async () => {
    const { store, dir, dispose } = await tempStore();
    const layoutKey = Buffer.from('layout');
    // the store's own files, opened without QuadStore, to rewrite the layout record
    const withMeta = async (change: (meta: Database<Buffer, Buffer>) => Promise<unknown>): Promise<void> => {
      const root = open<Buffer, Buffer>({ path: dir, maxDbs: 16, noSync: true });
      await change(root.openDB<Buffer, Buffer>({ name: 'meta', keyEncoding: 'binary', encoding: 'binary' }));
      await root.close();
    };
    try {
      await store.createRegion(1n);
      await store.close();
      await withMeta(async (meta) => expect([...meta.getBinary(layoutKey)!]).toEqual([LAYOUT_VERSION]));
      await new QuadStore({ path: dir, noSync: true }).close(); // reopens
      await withMeta((meta) => meta.put(layoutKey, Buffer.from([LAYOUT_VERSION - 1])));
      expect(() => new QuadStore({ path: dir, noSync: true })).toThrow(IncompatibleLayoutError);
      // a store from before layouts were recorded: regions, but no record
      await withMeta((meta) => meta.remove(layoutKey));
      expect(() => new QuadStore({ path: dir, noSync: true })).toThrow(IncompatibleLayoutError);
    } finally {
      await dispose().catch(() => undefined);
    }
  });
});
