import { describe, it, expect } from 'vitest';
import { namedNode, literal, quad, blankNode, variable, defaultGraph, type Quad } from '@quarry/rdf';
import {
  BatchTooLargeError,
  CorruptDataError,
  InvalidTimestampError,
  MalformedTermError,
  UnknownRegionError,
  RegionExistsError,
  deserializeEncodedBatch,
  serializeEncodedBatch,
} from '@quarry/storage';
import { tempStore } from './support';

const s = namedNode('http://example.org/subject');
const p = namedNode('http://example.org/predicate');
const good: Quad[] = [quad(s, p, literal('v1')), quad(s, p, literal('a long literal that is hashed'), namedNode('http://example.org/graph'))];

describe('write path validation', () => {
  it('rejects bad input with typed errors and writes nothing', async () => {
    const { store, dispose } = await tempStore({ maxBatchQuads: 3 });
    try {
      await store.createRegion(1n);
      await expect(store.createRegion(1n)).rejects.toThrow(RegionExistsError);
      const empty = store.checksum(1n);
      const literalSubject = quad(literal('x') as unknown as Quad['subject'], p, literal('v'));
      await expect(store.applyBatch(1n, 1n, [...good, literalSubject])).rejects.toThrow(MalformedTermError);
      await expect(store.applyBatch(1n, 1n, [quad(s, p, variable('x') as unknown as Quad['object'])])).rejects.toThrow(MalformedTermError);
      await expect(store.applyBatch(1n, 1n, [quad(s, blankNode('b') as unknown as Quad['predicate'], literal('v'))])).rejects.toThrow(MalformedTermError);
      await expect(store.applyBatch(1n, 1n, [quad(s, p, literal('v'), literal('g') as unknown as Quad['graph'])])).rejects.toThrow(MalformedTermError);
      await expect(store.applyBatch(1n, 1n, [...good, ...good])).rejects.toThrow(BatchTooLargeError);
      await expect(store.applyBatch(9n, 1n, good)).rejects.toThrow(UnknownRegionError);
      await expect(store.applyBatch(1n, -1n, good)).rejects.toThrow(InvalidTimestampError);
      await expect(store.applyBatch(1n, 1n << 63n, good)).rejects.toThrow(InvalidTimestampError);
      expect(store.checksum(1n)).toBe(empty);
      expect(store.regionStats(1n).entryCount).toBe(0);
      expect(() => store.scan({ regionId: 9n, pattern: {}, readTs: 1n })).toThrow(UnknownRegionError);
      expect(() => store.scan({ regionId: 1n, pattern: {}, readTs: 1n, cursor: 'garbage' })).toThrow(CorruptDataError);
    } finally {
      await dispose();
    }
  });

  it('round-trips encoded batches and rejects every corruption', async () => {
    const { store, dispose } = await tempStore();
    try {
      await store.createRegion(1n);
      const bytes = store.encodeToBytes(good, [quad(s, p, literal('gone'), defaultGraph())]);
      const decoded = deserializeEncodedBatch(bytes);
      expect(serializeEncodedBatch(decoded)).toEqual(bytes);
      const corrupt = (mutate: (b: Uint8Array) => Uint8Array): Uint8Array => mutate(Uint8Array.from(bytes));
      const cases: Uint8Array[] = [
        corrupt((b) => b.subarray(0, b.length - 1)), // truncated
        corrupt((b) => ((b[3] = 9), b)), // version
        corrupt((b) => ((b[0] = 0), b)), // magic
        corrupt((b) => ((b[b.length - 1] ^= 0x20), b)), // string no longer matches its hash
        corrupt((b) => Uint8Array.from([...b, 0])), // trailing byte
        corrupt((b) => ((b[21] = 0x7f), b)), // unknown term kind
      ];
      for (const bad of cases) {
        await expect(store.applyEncodedBatch(1n, 1n, bad)).rejects.toThrow(CorruptDataError);
      }
      expect(store.regionStats(1n).entryCount).toBe(0);
      await store.applyEncodedBatch(1n, 1n, bytes);
      expect(store.scan({ regionId: 1n, pattern: {}, readTs: 1n }).quads).toHaveLength(2);
    } finally {
      await dispose();
    }
  });
});
