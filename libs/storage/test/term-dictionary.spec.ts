import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { namedNode, literal, quad, type Quad } from '@quarry/rdf';
import { CorruptDataError, MAX_TIMESTAMP } from '@quarry/storage';
import { putSnapshotRecords, readSnapshot } from '../src/region-snapshot';
import { regionPrefix } from '../src/keys';
import { resolveTermIds } from '../src/term-dictionary';
import { quadFrom, quadIndexArb, quadKey, quadPoolArb, tempStore } from './support';

const s = namedNode('http://example.org/subject');
const p = namedNode('http://example.org/predicate');
const hashed = literal('a long literal that is hashed into the dictionary');

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of chunks) out.push(Uint8Array.from(c));
  return out;
}

const keysOf = (quads: Quad[]): string[] => quads.map(quadKey).sort();

describe('term dictionary', () => {
  it.each([
    ['noSync (synchronous commit)', { noSync: true }],
    ['durable (commit on the writer thread)', { noSync: false }],
    ['puts on the writer thread', { noSync: true, writerThread: true }],
    ['durable, puts on the writer thread', { noSync: false, writerThread: true }],
  ])('rejects a wire batch whose new string does not match its hash, writing nothing: %s', async (_name, options) => {
    const { store, dispose } = await tempStore(options);
    try {
      await store.createRegion(1n);
      const bytes = Buffer.from(store.encodeToBytes([quad(s, p, hashed)]));
      const at = bytes.lastIndexOf(Buffer.from('dictionary'));
      bytes[at] = 'D'.charCodeAt(0); // same length, other string: its hash no longer matches
      await store.applyBatch(1n, 1n, [quad(p, p, literal('first'))]);
      const before = store.checksum(1n);
      await expect(store.applyEncodedBatch(1n, 1n, bytes)).rejects.toThrow(CorruptDataError);
      expect(store.checksum(1n)).toBe(before);
      expect(store.regionStats(1n).entryCount).toBe(3);
      await store.applyEncodedBatch(1n, 2n, store.encodeToBytes([quad(s, p, hashed)]));
      expect(store.scan({ regionId: 1n, pattern: { o: hashed }, readTs: 2n }).quads).toHaveLength(1);
    } finally {
      await dispose();
    }
  });

  it('a crash between the dictionary commit and the index commit is repaired by re-applying the batch', async () => {
    const crashed = await tempStore();
    const clean = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(quadPoolArb(), fc.array(quadIndexArb, { minLength: 1, maxLength: 30 }), fc.array(quadIndexArb, { minLength: 1, maxLength: 30 }), async (pool, first, second) => {
          for (const { store } of [crashed, clean]) {
            if (store.hasRegion(1n)) await store.dropRegion(1n);
            await store.createRegion(1n);
            await store.applyBatch(1n, 3n, first.map((i) => quadFrom(pool, i)));
          }
          const batch = crashed.store.encode(second.map((i) => quadFrom(pool, i)));
          // what the first of the two commits leaves behind: the new terms' dictionary entries alone
          const { added } = resolveTermIds(crashed.store.env, regionPrefix(1n), batch, true);
          crashed.store.env.root.transactionSync(() => {
            for (const t of added) {
              crashed.store.env.term2id.putSync(t.term2idKey, t.idBytes);
              crashed.store.env.id2term.putSync(t.id2termKey, t.id2termValue);
            }
          });
          crashed.store.decoder.forget(regionPrefix(1n));
          await crashed.store.applyEncodedBatch(1n, 5n, batch);
          await clean.store.applyEncodedBatch(1n, 5n, batch);
          // same ids, same entries: the snapshots (which carry ids) are byte-identical
          expect(Buffer.concat(await collect(crashed.store.snapshot(1n)))).toEqual(Buffer.concat(await collect(clean.store.snapshot(1n))));
        }),
        { numRuns: 30 },
      );
    } finally {
      await crashed.dispose();
      await clean.dispose();
    }
  });

  it('a snapshot written into a region with terms of its own maps its ids (merge) and loses nothing', async () => {
    const { store, dispose } = await tempStore();
    try {
      await fc.assert(
        fc.asyncProperty(quadPoolArb(), fc.array(quadIndexArb, { minLength: 1, maxLength: 30 }), fc.array(quadIndexArb, { minLength: 1, maxLength: 30 }), async (pool, left, right) => {
          for (const id of [1n, 2n]) if (store.hasRegion(id)) await store.dropRegion(id);
          await store.createRegion(1n);
          await store.createRegion(2n);
          const a = left.map((i) => quadFrom(pool, i));
          const b = right.map((i) => quadFrom(pool, i));
          await store.applyBatch(1n, 3n, a);
          await store.applyBatch(2n, 5n, b);
          const records = await readSnapshot(await collect(store.snapshot(1n)));
          await store.env.root.transaction(() => putSnapshotRecords(store.env, regionPrefix(2n), records));
          store.decoder.forget(regionPrefix(2n));
          const merged = store.scan({ regionId: 2n, pattern: {}, readTs: MAX_TIMESTAMP, limit: 1_000_000 }).quads;
          expect(keysOf(merged)).toEqual([...new Set([...keysOf(a), ...keysOf(b)])].sort());
          // versions travel with the entries: at ts 4 only the snapshot's quads are visible
          expect(keysOf(store.scan({ regionId: 2n, pattern: {}, readTs: 4n, limit: 1_000_000 }).quads)).toEqual([...new Set(keysOf(a))].sort());
          for (const q of a) expect(store.scan({ regionId: 2n, pattern: { s: q.subject, p: q.predicate, o: q.object, g: q.graph }, readTs: MAX_TIMESTAMP }).quads).toHaveLength(1);
        }),
        { numRuns: 30 },
      );
    } finally {
      await dispose();
    }
  });
});
