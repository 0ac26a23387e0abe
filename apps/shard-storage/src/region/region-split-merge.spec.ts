import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { RegionCommandSchema } from '@quarry/proto';
import { subjectHash, type Quad } from '@quarry/rdf';
import type { QuadStore } from '@quarry/storage';
import { DataFactory } from 'n3';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReadTs, checkRouted, type RegionMeta } from './region-meta';
import { weightedMedianKey } from './region-median';
import { TempQuadStores } from '../testing/temp-quad-stores';
import { RegionStateMachine, type RegionShapeHost } from './region-state-machine';

const { namedNode, literal, quad } = DataFactory;
const FULL: RegionMeta = { start: 0n, end: 0n, version: 1n, mergingInto: 0, merged: [] };

class FakeHost implements RegionShapeHost {
  readonly opened: { id: number; meta: RegionMeta; voters: number[] }[] = [];
  readonly closed: number[] = [];
  learners: number[] = [];
  membership() {
    return { voters: [1, 2, 3], learners: this.learners, votersOutgoing: [] };
  }
  async openSplitRegion(id: number, meta: RegionMeta, voters: number[]): Promise<void> {
    this.opened.push({ id, meta, voters });
  }
  async closeMergedRegion(id: number): Promise<void> {
    this.closed.push(id);
  }
}

describe('RegionStateMachine split and merge', () => {
  const temp = new TempQuadStores('quarry-rsm-split');
  const open = (): QuadStore => temp.open();
  afterEach(() => temp.closeAll());

  let index = 6;
  const entry = (op: MessageInitShape<typeof RegionCommandSchema>['op']) => ({ term: 6, index: ++index, type: 'normal' as const, data: toBinary(RegionCommandSchema, create(RegionCommandSchema, { op })) });
  const quads = (from: number, n: number): Quad[] => Array.from({ length: n }, (_, i) => quad(namedNode(`http://x/s${from + i}`), namedNode('http://x/p'), literal(String(from + i))));
  const write = (store: QuadStore, ts: bigint, qs: Quad[], regionVersion: bigint) => entry({ case: 'write', value: { regionId: 1, commitTs: ts, batch: store.encodeToBytes(qs), regionVersion } });
  const count = (store: QuadStore, id: number): number => store.regionStats(BigInt(id)).quadCount;
  const hashesOf = async (store: QuadStore, id: number): Promise<bigint[]> => {
    const out: bigint[] = [];
    for await (const page of store.scanAll(BigInt(id), {})) for (const q of page) out.push(subjectHash(q.subject));
    return out;
  };

  it('splits at a log index: the upper hashes move to the new region, the parent shrinks, later writes with the old version are refused', async () => {
    const store = open();
    const host = new FakeHost();
    const sm = new RegionStateMachine(store, 1, host, FULL);
    await sm.ensureCreated();
    expect((await sm.apply([write(store, 10n, quads(0, 200), 1n)])).map((r) => r.ok)).toEqual([true]);
    const hashes = await hashesOf(store, 1);
    const counts = new Map<bigint, number>();
    for (const h of hashes) counts.set(h, (counts.get(h) ?? 0) + 1);
    const key = weightedMedianKey(counts, hashes.length)!;

    const [split] = await sm.apply([entry({ case: 'split', value: { splitHash: key, newRegionId: 2, expectedVersion: 1n } })]);
    expect(split.ok).toBe(true);
    expect(sm.meta).toMatchObject({ start: 0n, end: key, version: 2n });
    expect(host.opened).toEqual([{ id: 2, meta: { start: key, end: 0n, version: 2n, mergingInto: 0, merged: [] }, voters: [1, 2, 3] }]);
    expect(sm.takeSnapshotRequest()).toBe(true);
    expect(count(store, 1) + count(store, 2)).toBe(200);
    expect(count(store, 1)).toBeGreaterThan(50);
    expect(count(store, 2)).toBeGreaterThan(50);
    expect((await hashesOf(store, 1)).every((h) => h < key)).toBe(true);
    expect((await hashesOf(store, 2)).every((h) => h >= key)).toBe(true);

    // A write proposed before the split (old version) is refused whole at apply: nothing written.
    const before = store.checksum(1n);
    const [stale] = await sm.apply([write(store, 11n, quads(1000, 20), 1n)]);
    expect(stale).toMatchObject({ ok: false, code: 'STALE_EPOCH' });
    expect(store.checksum(1n)).toBe(before);
    expect(() => checkRouted(1, sm.meta, 1n)).toThrow(expect.objectContaining({ code: 'STALE_EPOCH' }));

    // A restart replaying the split from an older snapshot: the new region exists already;
    // the parent loses its tail again and nothing is duplicated.
    const replayed = new RegionStateMachine(store, 1, host, FULL);
    await replayed.apply([write(store, 10n, quads(0, 200), 1n)]); // replay of the pre-split write
    const again = await replayed.apply([entry({ case: 'split', value: { splitHash: key, newRegionId: 2, expectedVersion: 1n } })]);
    expect(again[0].ok).toBe(true);
    expect(count(store, 1) + count(store, 2)).toBe(200);
    expect(store.checksum(1n)).toBe(before);
  });

  it('refuses bad splits deterministically and changes nothing', async () => {
    const store = open();
    const host = new FakeHost();
    const sm = new RegionStateMachine(store, 1, host, { ...FULL, start: 100n, end: 1n << 63n });
    await sm.ensureCreated();
    await sm.apply([write(store, 10n, quads(0, 50), 1n)]);
    const sum = store.checksum(1n);
    const results = await sm.apply([
      entry({ case: 'split', value: { splitHash: 100n, newRegionId: 2, expectedVersion: 1n } }), // == start: empty lower half
      entry({ case: 'split', value: { splitHash: 1n << 63n, newRegionId: 2, expectedVersion: 1n } }), // at the end: outside
      entry({ case: 'split', value: { splitHash: 1000n, newRegionId: 1, expectedVersion: 1n } }), // same id
      entry({ case: 'split', value: { splitHash: 1000n, newRegionId: 2, expectedVersion: 7n } }), // stale
    ]);
    expect(results.map((r) => r.code)).toEqual(['INVALID', 'INVALID', 'INVALID', 'STALE_EPOCH']);
    host.learners = [4];
    const [busy] = await sm.apply([entry({ case: 'split', value: { splitHash: 1000n, newRegionId: 2, expectedVersion: 1n } })]);
    expect(busy.error).toMatch(/membership change/);
    expect(store.checksum(1n)).toBe(sum);
    expect(store.hasRegion(2n)).toBe(false);
    expect(sm.meta.version).toBe(1n);
    expect(host.opened).toEqual([]);
  });

  it('snapshots carry the range and version', async () => {
    const store = open();
    const sm = new RegionStateMachine(store, 1, new FakeHost(), { ...FULL, start: 5n, end: 99n, version: 4n });
    await sm.ensureCreated();
    const copy = new RegionStateMachine(open(), 1);
    await copy.restore(await sm.snapshot());
    expect(copy.meta).toEqual({ start: 5n, end: 99n, version: 4n, mergingInto: 0, merged: [] });
  });

  it('merges: prepare freezes the source, commit absorbs its quads into the target and closes the source', async () => {
    const store = open();
    const host = new FakeHost();
    const key = 1n << 63n;
    const target = new RegionStateMachine(store, 1, host, { ...FULL, end: key, version: 2n });
    const source = new RegionStateMachine(store, 2, host, { ...FULL, start: key, version: 2n });
    await target.ensureCreated();
    await source.ensureCreated();
    const all = quads(0, 300);
    const low = all.filter((q) => subjectHash(q.subject) < key);
    const high = all.filter((q) => subjectHash(q.subject) >= key);
    await target.apply([write(store, 10n, low, 2n)]);
    const w = write(store, 11n, high, 2n);
    await source.apply([{ ...w, data: toBinary(RegionCommandSchema, create(RegionCommandSchema, { op: { case: 'write', value: { regionId: 2, commitTs: 11n, batch: store.encodeToBytes(high), regionVersion: 2n } } })) }]);

    const [prepared] = await source.apply([entry({ case: 'prepareMerge', value: { targetRegionId: 1, expectedVersion: 2n } })]);
    expect(prepared.ok).toBe(true);
    expect(source.meta).toMatchObject({ version: 3n, mergingInto: 1 });
    expect(() => checkRouted(2, source.meta, 2n)).toThrow(/being merged/);
    const [late] = await source.apply([entry({ case: 'write', value: { regionId: 2, commitTs: 12n, batch: store.encodeToBytes(quads(5000, 1)), regionVersion: 2n } })]);
    expect(late).toMatchObject({ ok: false, code: 'STALE_EPOCH' });

    const visible: Quad[] = [];
    for await (const page of store.scanAll(2n, {})) visible.push(...page);
    const [committed] = await target.apply([
      entry({ case: 'commitMerge', value: { sourceRegionId: 2, sourceStartHash: key, sourceEndHash: 0n, sourceVersion: 3n, sourceData: store.encodeToBytes(visible), expectedVersion: 2n, mergeTs: 20n } }),
    ]);
    expect(committed.ok).toBe(true);
    expect(target.meta).toMatchObject({ start: 0n, end: 0n, version: 4n, mergingInto: 0 });
    expect(count(store, 1)).toBe(300);
    expect(store.hasRegion(2n)).toBe(false);
    expect(host.closed).toEqual([2]);
    // Reads of the absorbed range below the merge timestamp are refused; later ones are fine.
    expect(() => checkReadTs(1, target.meta, 15n, key, 0n)).toThrow(/older than the merge/);
    expect(() => checkReadTs(1, target.meta, 15n, 0n, key)).not.toThrow();
    expect(() => checkReadTs(1, target.meta, 25n, 0n, 0n)).not.toThrow();
  });

  it('refuses a commit from a non-adjacent source', async () => {
    const store = open();
    const target = new RegionStateMachine(store, 1, new FakeHost(), { ...FULL, end: 100n });
    await target.ensureCreated();
    const [r] = await target.apply([entry({ case: 'commitMerge', value: { sourceRegionId: 2, sourceStartHash: 200n, sourceEndHash: 300n, sourceVersion: 3n, expectedVersion: 1n, mergeTs: 5n } })]);
    expect(r).toMatchObject({ ok: false, code: 'INVALID' });
    expect(target.meta.end).toBe(100n);
  });
});
