import { rmSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { namedNode, literal, quad, type Quad } from '@quarry/rdf';
import { QuadStore, type QuadPattern } from '@quarry/storage';
import { regionPrefix } from '../src/keys';
import { readCommitSummary } from '../src/commit-summary';
import type { EntryCheck } from '../src/derived-visibility';
import { quadKey, tempStore } from './support';

const ex = (local: string): ReturnType<typeof namedNode> => namedNode(`http://example.org/${local}`);
const [knows, name] = [ex('knows'), ex('name')];
const region = regionPrefix(1n);

/** The quads of one scan (every page), sorted. */
async function scanned(store: QuadStore, pattern: QuadPattern, readTs: bigint): Promise<string[]> {
  const out: string[] = [];
  for await (const page of store.scanAll(1n, pattern, readTs, 2)) out.push(...page.map(quadKey));
  return out.sort();
}

function checkAt(store: QuadStore, readTs: bigint, of = region): EntryCheck {
  return store.readCaches.entryCheck(of, readCommitSummary(store.env, of), readTs);
}

/** A summary of a check: its kind, how many recent quads, and where the markers are. */
function described(check: EntryCheck): string {
  if (check.kind !== 'listed') return check.kind;
  const markers = check.markers === undefined ? 'none' : check.markers === 'stored' ? 'stored' : `${check.markers.size} in memory`;
  return `listed: ${check.recent?.size ?? 0} recent, markers ${markers}`;
}

const people = (from: number, to: number): Quad[] =>
  Array.from({ length: to - from }, (_, i) => [quad(ex(`p${from + i}`), knows, ex('alice')), quad(ex(`p${from + i}`), name, literal(`n${from + i}`))]).flat();

describe('recent-inserts log and cached tombstone markers', () => {
  it('let a read older than the last write skip the versions of quads no later commit inserted', async () => {
    const { store, dispose } = await tempStore();
    try {
      await store.createRegion(1n);
      await store.applyBatch(1n, 10n, people(0, 5));
      await store.applyBatch(1n, 20n, people(5, 8));
      await store.applyBatch(1n, 30n, people(8, 9));
      expect(described(checkAt(store, 35n))).toBe('all');
      expect(described(checkAt(store, 25n))).toBe('listed: 2 recent, markers none');
      expect(described(checkAt(store, 15n))).toBe('listed: 8 recent, markers none');
      expect(await scanned(store, { p: knows }, 25n)).toEqual(
        people(0, 8)
          .filter((q) => q.predicate.equals(knows))
          .map(quadKey)
          .sort(),
      );
      expect(await scanned(store, { o: ex('alice') }, 15n)).toEqual(
        people(0, 5)
          .filter((q) => q.predicate.equals(knows))
          .map(quadKey)
          .sort(),
      );

      // a transaction's commit at ts 25 applied after the write at 30: it inserts a quad that
      // ts 30 created, so the quad is visible at 27 although its entry came with ts 30
      const late = quad(ex('p8'), knows, ex('alice'));
      await store.applyBatch(1n, 25n, [late, quad(ex('p9'), knows, ex('alice'))]);
      const atLate = [...people(0, 8), late, quad(ex('p9'), knows, ex('alice'))].filter((q) => q.predicate.equals(knows));
      expect(await scanned(store, { p: knows }, 27n)).toEqual(atLate.map(quadKey).sort());
      expect(await scanned(store, { o: ex('alice') }, 24n)).toEqual(
        people(0, 8)
          .filter((q) => q.predicate.equals(knows))
          .map(quadKey)
          .sort(),
      );

      // a delete: markers are loaded into memory, and kept in step with later deletes
      await store.applyBatch(1n, 40n, [], [quad(ex('p0'), knows, ex('alice'))]);
      expect(described(checkAt(store, 40n))).toBe('listed: 0 recent, markers 1 in memory');
      await store.applyBatch(1n, 50n, [], [quad(ex('p1'), knows, ex('alice'))]);
      expect(described(checkAt(store, 45n))).toBe('listed: 0 recent, markers 2 in memory');
      expect(await scanned(store, { p: knows }, 45n)).toEqual(atLate.slice(1).map(quadKey).sort());
      expect(await scanned(store, { p: knows }, 50n)).toEqual(atLate.slice(2).map(quadKey).sort());
      await store.gc(1n, 50n); // both tombstones are the newest versions: quads and markers go
      expect(described(checkAt(store, 50n))).toBe('all');
      expect(await scanned(store, { p: knows }, 50n)).toEqual(atLate.slice(2).map(quadKey).sort());
    } finally {
      await dispose();
    }
  });

  it('fall back to every version below the horizon: after an overflow, a reopen, a restore and a split', async () => {
    const { store: first, dir } = await tempStore({ recentInsertsPerRegion: 4, maxCachedMarkers: 0 });
    let store = first;
    try {
      await store.createRegion(1n);
      for (const [k, ts] of [10n, 20n, 30n].entries()) await store.applyBatch(1n, ts, people(2 * k, 2 * k + 2));
      // 4 quads per commit and room for 4: every commit but the last was evicted
      expect(store.readCaches.horizonOf(region)).toBe(20n);
      expect(described(checkAt(store, 25n))).toBe('listed: 4 recent, markers none');
      expect(described(checkAt(store, 15n))).toBe('versions');
      const knowsUpTo = (n: number): string[] =>
        people(0, n)
          .filter((q) => q.predicate.equals(knows))
          .map(quadKey)
          .sort();
      expect(await scanned(store, { p: knows }, 15n)).toEqual(knowsUpTo(2));
      expect(await scanned(store, { p: knows }, 25n)).toEqual(knowsUpTo(4));

      await store.applyBatch(1n, 40n, [], [quad(ex('p0'), knows, ex('alice'))]);
      expect(described(checkAt(store, 40n))).toBe('listed: 0 recent, markers stored');
      expect(await scanned(store, { p: knows }, 40n)).toEqual(knowsUpTo(6).slice(1));

      await store.close();
      store = new QuadStore({ path: dir, noSync: true });
      expect(described(checkAt(store, 35n))).toBe('versions');
      expect(store.readCaches.horizonOf(region)).toBe(40n);
      expect(await scanned(store, { o: ex('alice') }, 35n)).toEqual(knowsUpTo(6));
      await store.applyBatch(1n, 50n, people(6, 7));
      expect(described(checkAt(store, 45n))).toBe('listed: 2 recent, markers 1 in memory');
      expect(await scanned(store, { o: ex('alice') }, 45n)).toEqual(knowsUpTo(6).slice(1));

      const snapshot: Uint8Array[] = [];
      for await (const chunk of store.snapshot(1n)) snapshot.push(Uint8Array.from(chunk));
      await store.restoreSnapshot(1n, snapshot);
      expect(described(checkAt(store, 45n))).toBe('versions');
      expect(store.readCaches.horizonOf(region)).toBe(50n);
      expect(await scanned(store, { o: ex('alice') }, 45n)).toEqual(knowsUpTo(6).slice(1));

      await store.applyBatch(1n, 60n, people(7, 8));
      expect(described(checkAt(store, 55n))).toBe('listed: 2 recent, markers 1 in memory');
      await store.splitRegion(1n, 2n, 1n << 63n, { removeFromSource: true });
      expect(described(checkAt(store, 55n))).toBe('versions');
      expect(store.readCaches.horizonOf(regionPrefix(2n))).toBe(undefined);
      const moved: string[] = [];
      for await (const page of store.scanAll(2n, { p: knows }, 55n, 2)) moved.push(...page.map(quadKey));
      expect([...(await scanned(store, { p: knows }, 55n)), ...moved].sort()).toEqual(knowsUpTo(7).slice(1));
      // the new region's log starts at the source's newest commit (its summary)
      expect(described(checkAt(store, 55n, regionPrefix(2n)))).toBe('versions');
      expect(store.readCaches.horizonOf(regionPrefix(2n))).toBe(60n);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
