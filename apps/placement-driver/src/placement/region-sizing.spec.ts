import { create } from '@bufbuild/protobuf';
import { RegionDescriptorSchema } from '@quarry/proto';
import { describe, expect, it } from 'vitest';
import { chooseSizeOperation, colocationStep, validateSizing } from './region-sizing';

const r = (id: number, startHash: bigint, endHash: bigint, stores = [1, 2, 3]) => create(RegionDescriptorSchema, { id, startHash, endHash, stores, epoch: 2n, version: 2n });
const regions = [r(1, 0n, 100n), r(2, 100n, 200n), r(3, 200n, 300n, [1, 2, 4]), r(4, 300n, 0n, [1, 2, 4])];
const cfg = { splitQuads: 1000, mergeQuads: 100, minRegions: 1 };

describe('chooseSizeOperation', () => {
  it('splits the biggest region over the threshold first', () => {
    const op = chooseSizeOperation(regions, new Map([[1, 5], [2, 1500], [3, 3000], [4, 5]]), cfg);
    expect(op).toMatchObject({ kind: 'split', region: { id: 3 } });
  });

  it('merges the smallest adjacent pair on the same stores, the smaller region into the other', () => {
    const op = chooseSizeOperation(regions, new Map([[1, 50], [2, 10], [3, 2], [4, 1]]), cfg);
    expect(op).toMatchObject({ kind: 'merge', source: { id: 4 }, target: { id: 3 } });
  });

  it('brings a small pair on different stores together one replica move at a time, then merges it', () => {
    // 2 (stores 1,2,3) and 3 (stores 1,2,4) are adjacent and small: the smaller (3) moves its
    // replica from store 4, which 2 lacks, to store 3, which 3 lacks.
    expect(chooseSizeOperation(regions, new Map([[2, 5], [3, 1]]), cfg)).toMatchObject({ kind: 'colocate', source: { id: 3 }, target: { id: 2 }, from: 4, to: 3, quads: 6 });
    // A pair already together is merged first, even if a smaller pair is apart.
    expect(chooseSizeOperation(regions, new Map([[1, 40], [2, 40], [3, 1]]), cfg)).toMatchObject({ kind: 'merge', source: { id: 1 }, target: { id: 2 } });
    // Once moved, the same pair merges.
    const moved = [regions[0], regions[1], r(3, 200n, 300n, [1, 3, 2]), regions[3]];
    expect(chooseSizeOperation(moved, new Map([[2, 5], [3, 1]]), cfg)).toMatchObject({ kind: 'merge', source: { id: 3 }, target: { id: 2 } });
    // Several stores apart: one step per call, always towards the target's stores.
    const far = [r(1, 0n, 100n, [1, 2, 3]), r(2, 100n, 0n, [4, 5, 6])];
    expect(chooseSizeOperation(far, new Map([[1, 3], [2, 2]]), cfg)).toMatchObject({ kind: 'colocate', source: { id: 2 }, from: 4, to: 1 });
    expect(colocationStep(r(2, 100n, 0n, [1, 5, 6]), far[0])).toEqual({ from: 5, to: 2 });
    // A region mid-move (four replicas) has no step to take: wait for the move to end.
    expect(colocationStep(r(2, 100n, 0n, [1, 2, 3, 4]), far[0])).toBeUndefined();
    // Pairs too big to merge are not moved either.
    expect(chooseSizeOperation(regions, new Map([[2, 100], [3, 1]]), cfg)).toBeUndefined();
  });

  it('merges nothing over the threshold, with unknown sizes or when merging is off', () => {
    expect(chooseSizeOperation(regions, new Map([[1, 100], [2, 10]]), cfg)).toBeUndefined();
    expect(chooseSizeOperation(regions, new Map([[1, 10]]), cfg)).toBeUndefined();
    expect(chooseSizeOperation(regions, new Map([[1, 10], [2, 10]]), { ...cfg, mergeQuads: 0 })).toBeUndefined();
    // Never below the initial region count: a fresh cluster's empty regions stay.
    expect(chooseSizeOperation(regions, new Map([[1, 0], [2, 0]]), { ...cfg, minRegions: 4 })).toBeUndefined();
    expect(chooseSizeOperation(regions, new Map([[1, 0], [2, 0]]), { ...cfg, minRegions: 3 })).toMatchObject({ kind: 'merge' });
  });

  it('refuses thresholds that would make regions flap', () => {
    expect(() => validateSizing({ splitQuads: 100, mergeQuads: 60 })).toThrow(/at most half/);
    expect(() => validateSizing({ splitQuads: 100, mergeQuads: 50 })).not.toThrow();
  });

  it('splits the hottest region over the write-rate threshold, and does not merge busy ones', () => {
    const hot = { ...cfg, hotWriteQps: 500 };
    const sizes = new Map([[1, 800], [2, 900], [3, 50], [4, 40]]);
    const op = chooseSizeOperation(regions, sizes, hot, new Map([[1, 600], [2, 2000], [3, 10]]));
    expect(op).toMatchObject({ kind: 'split', region: { id: 2 }, hot: true });
    // Too few quads to cut between, or the feature off: no hot split.
    expect(chooseSizeOperation(regions, new Map([[1, 50]]), hot, new Map([[1, 5000]]))).toBeUndefined();
    expect(chooseSizeOperation(regions, sizes, cfg, new Map([[2, 2000]]))).toMatchObject({ kind: 'merge', source: { id: 4 } });
    // Size splits come first; a busy pair is not merged (it would split again).
    expect(chooseSizeOperation(regions, new Map([[1, 5000], [2, 900]]), hot, new Map([[2, 2000]]))).toMatchObject({ kind: 'split', region: { id: 1 } });
    expect(chooseSizeOperation(regions, new Map([[1, 5], [2, 5], [3, 5], [4, 5]]), hot, new Map([[3, 300], [4, 300]]))).toMatchObject({ kind: 'merge', source: { id: 1 } });
  });
});
