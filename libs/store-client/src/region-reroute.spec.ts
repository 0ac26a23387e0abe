import { create, toBinary } from '@bufbuild/protobuf';
import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionMapSchema, type RegionMap, type ScanRequest, type WriteRequest } from '@quarry/proto';
import { quadToLine, subjectHash, type Quad } from '@quarry/rdf';
import { deserializeEncodedBatch } from '@quarry/storage';
import { RemoteError, type Bus } from '@quarry/transport';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { foldLayouts } from './region-layout';
import { RegionRouter } from './region-router';
import { scanHashRange } from './region-scanner';
import { ScanPageBuilder } from './scan-page';
import { RegionWriter } from './region-writer';
import { StoreClient } from './store-client';

const { namedNode, literal, quad } = DataFactory;
const subjects = Array.from({ length: 100 }, (_, i) => namedNode(`http://x/s${i}`));
/** The median subject hash: the split key that cuts the test's subjects in two halves. */
const KEY = subjects.map((s) => subjectHash(s)).sort((a, b) => (a < b ? -1 : 1))[50];

const oneRegion = create(RegionMapSchema, { version: 1n, regions: [{ id: 1, startHash: 0n, endHash: 0n, stores: [1], epoch: 1n, version: 1n }] });
const splitMap = foldLayouts(oneRegion, [
  { id: 1, startHash: 0n, endHash: KEY, version: 2n },
  { id: 2, startHash: KEY, endHash: 0n, version: 2n, stores: [1] },
])!;

/** A consensus KV holding the region map, which the test swaps to simulate a split. */
class FakeConsensus {
  constructor(public map: RegionMap) {}
  async get() {
    return { value: toBinary(RegionMapSchema, this.map), modRevision: this.map.version };
  }
}

const stale = (subject: string) => new RemoteError('STALE_EPOCH', 'region 1 has range version 2', 'store-1', false, subject, { region: '1', version: '2' });

function harness(handler: (method: string, body: Record<string, unknown>) => unknown) {
  const consensus = new FakeConsensus(oneRegion);
  const bus = {
    request: async (method: { name: string }, subject: string, body: Record<string, unknown>) => {
      const out = handler(method.name, body);
      if (out instanceof Error) throw out;
      return out;
    },
  } as unknown as Bus;
  const stores = new StoreClient(bus, new RegionRouter(consensus as unknown as ConsensusClient), { cluster: 'test', deadlineMs: 2000 });
  return { consensus, stores };
}

describe('re-routing after a split (STALE_EPOCH)', () => {
  it('folds split layouts into the map: the parent shrinks, the new region appears, late or repeated folds change nothing', () => {
    expect(splitMap.regions.map((r) => [r.id, r.startHash, r.endHash, r.version])).toEqual([
      [1, 0n, KEY, 2n],
      [2, KEY, 0n, 2n],
    ]);
    expect(splitMap.regions.every((r) => r.epoch > 1n)).toBe(true);
    expect(foldLayouts(splitMap, [{ id: 1, startHash: 0n, endHash: 0n, version: 1n }])).toBeUndefined();
    // The new region's leader may record it before the parent's: the parent is trimmed.
    const childFirst = foldLayouts(oneRegion, [{ id: 2, startHash: KEY, endHash: 0n, version: 2n, stores: [1] }])!;
    expect(childFirst.regions.map((r) => [r.id, r.startHash, r.endHash])).toEqual([
      [1, 0n, KEY],
      [2, KEY, 0n],
    ]);
    // The shrunk parent alone would leave the upper hashes unowned: not folded until its sibling is.
    expect(foldLayouts(oneRegion, [{ id: 1, startHash: 0n, endHash: KEY, version: 2n }])).toBeUndefined();
    // A merge: the target's new layout swallows the source.
    const merged = foldLayouts(splitMap, [{ id: 1, startHash: 0n, endHash: 0n, version: 4n }])!;
    expect(merged.regions.map((r) => [r.id, r.startHash, r.endHash, r.version])).toEqual([[1, 0n, 0n, 4n]]);
  });

  it('RegionWriter re-places a refused part on the new layout and writes it once per region', async () => {
    const writes: WriteRequest[] = [];
    let refused = 0;
    const { consensus, stores } = harness((method, body) => {
      const w = body as unknown as WriteRequest;
      if (w.regionVersion === 1n) {
        refused++;
        consensus.map = splitMap; // the split applied; the map follows
        return stale('quarry.test.store.1.Write');
      }
      writes.push(w);
      return { appliedIndex: 9n };
    });
    const quads: Quad[] = subjects.map((s, i) => quad(s, namedNode('http://x/p'), literal(String(i))));
    await new RegionWriter(stores).write(50n, quads);
    expect(refused).toBe(1);
    expect(writes.map((w) => w.regionId).sort()).toEqual([1, 2]);
    let total = 0;
    for (const w of writes) {
      expect(w.regionVersion).toBe(2n);
      expect(w.commitTs).toBe(50n);
      const batch = deserializeEncodedBatch(w.batch);
      total += batch.inserts.length / 4;
    }
    expect(total).toBe(100);
    expect(quads.some((q) => subjectHash(q.subject) >= KEY) && quads.some((q) => subjectHash(q.subject) < KEY)).toBe(true);
  });

  it('gives up after a bounded number of re-routings', async () => {
    const { stores } = harness(() => stale('quarry.test.store.1.Write'));
    await expect(new RegionWriter(stores, 2).write(5n, [quad(namedNode('http://x/a'), namedNode('http://x/p'), literal('1'))])).rejects.toMatchObject({ code: 'STALE_EPOCH' });
  }, 30_000);

  it('a scan interrupted by a split resumes on the new layout without losing or repeating a quad', async () => {
    const quadsFrom = (from: number, n: number) => Array.from({ length: n }, (_, i) => quad(namedNode(`http://x/s${from + i}`), namedNode('http://x/p'), literal(String(from + i))));
    const lines = (from: number, n: number): string[] => quadsFrom(from, n).map((q) => quadToLine(q, 'N-Quads'));
    const page = (from: number, n: number, cursor: string) => {
      const b = new ScanPageBuilder();
      for (const q of quadsFrom(from, n)) b.add(q);
      return { ...b.page(), count: b.count, cursor };
    };
    const seen: ScanRequest[] = [];
    const { consensus, stores } = harness((method, body) => {
      const s = body as unknown as ScanRequest;
      seen.push(s);
      if (s.regionVersion === 1n) {
        // First page served, the second refused: the split happened in between.
        if (!s.cursor) return page(0, 3, 'c1');
        consensus.map = splitMap;
        return stale('quarry.test.store.1.Scan');
      }
      return s.regionId === 1 ? page(0, 5, '') : page(5, 4, '');
    });
    const out: string[] = [];
    for await (const quads of scanHashRange(stores, { startHash: 0n, endHash: 0n }, { pattern: {} as ScanRequest['pattern'] & object, readTs: 7n, limit: 3 })) {
      out.push(...quads.map((q) => quadToLine(q, 'N-Quads')));
    }
    expect(out.sort()).toEqual(lines(0, 9).sort());
    expect(new Set(out).size).toBe(9);
    expect(seen.filter((s) => s.regionVersion === 2n).every((s) => s.readTs === 7n && !s.cursor && !s.range)).toBe(true);
  });
});
