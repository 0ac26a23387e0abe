import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcStats, op, runOps } from './testing/model-ops';
import { withTempDir } from './testing/temp-dir';

describe('RaftGroupLog against a reference model', () => {
  it('matches the model across appends, conflicts, compaction, snapshots, GC and reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }), async (ops) => {
        await withTempDir((dir) => runOps(dir, ops, { segmentBytes: 512, cacheBytes: 300 }));
      }),
      { numRuns: 20 },
    );
    expect(gcStats.deletedSegments).toBeGreaterThan(0);
  });

  it('holds when GC may not move entries (old segments pinned until compaction)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40, size: 'max' }), async (ops) => {
        await withTempDir((dir) => runOps(dir, ops, { segmentBytes: 512, cacheBytes: 300, gcMoveGroupBytes: 0 }));
      }),
      { numRuns: 12 },
    );
  });

  it('also holds with a large cache and large segments (everything served from memory)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30, size: 'max' }), async (ops) => {
        await withTempDir((dir) => runOps(dir, ops, {}));
      }),
      { numRuns: 8 },
    );
  });
});
