import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RaftLogEngine } from './raft-log-engine';
import { viewAll } from './testing/log-state';
import { withTempDir } from './testing/temp-dir';
import { entry } from './testing/workload';

const OPTIONS = { segmentBytes: 16 << 10 };

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'wal'))).filter((n) => n.endsWith('.wal'));
}

describe('segment GC', () => {
  it('keeps segments while any group has live entries in them, deletes them once compacted', async () => {
    await withTempDir(async (dir) => {
      const engine = await RaftLogEngine.open(dir, { ...OPTIONS, gcMoveGroupBytes: 0 });
      const busy = engine.group(1);
      const slow = engine.group(2);
      await slow.append([entry(1, 1, new Uint8Array(50))]);
      for (let i = 1; i <= 400; i++) await busy.append([entry(i, 1, new Uint8Array(200))]);
      const segments = engine.stats().segments.length;
      expect(segments).toBeGreaterThan(4);

      await busy.compact(400);
      // Group 2's entry 1 lives in the first segment: nothing can go.
      expect((await engine.gc()).deletedSegments).toEqual([]);

      await slow.compact(1);
      const result = await engine.gc();
      expect(result.deletedSegments.length).toBe(segments - 1);
      expect(await segmentFiles(dir)).toHaveLength(engine.stats().segments.length);
      await engine.close();
    });
  });

  it('moves the few live entries of idle groups out of old segments, within the byte budgets', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir, { ...OPTIONS, gcMoveGroupBytes: 2000 });
      // Idle groups with a handful of uncompacted entries each, written first.
      for (let g = 10; g < 20; g++) {
        await engine.group(g).append([1, 2, 3].map((i) => entry(i, 1, new Uint8Array(100).fill(g))));
        await engine.group(g).setHardState({ term: 1, vote: g, commit: 2 });
      }
      // A big group that is over the per-group budget pins its segments until compacted.
      const busy = engine.group(1);
      for (let i = 1; i <= 300; i++) await busy.append([entry(i, 1, new Uint8Array(200))]);
      let result = await engine.gc();
      expect(result.deletedSegments).toEqual([]);
      await busy.compact(290);
      const before = viewAll(engine);
      result = await engine.gc();
      expect(result.movedGroups).toBe(10);
      expect(result.deletedSegments.length).toBeGreaterThan(3);
      expect(engine.stats().segments[0]).toBeGreaterThan(result.deletedSegments[result.deletedSegments.length - 1]);
      expect(viewAll(engine)).toEqual(before);
      await engine.close();
      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(viewAll(engine)).toEqual(before);
      await engine.close();
    });
  });

  it('re-writes hard states and compaction markers of idle groups so deleted segments lose nothing', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir, OPTIONS);
      // An idle group: a hard state, a snapshot and a compaction, all in the first segment.
      const idle = engine.group(7);
      await idle.append([1, 2, 3, 4, 5].map((i) => entry(i, 2, new Uint8Array(10))));
      await idle.setHardState({ term: 2, vote: 3, commit: 5 });
      await idle.createSnapshot(4, { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false }, new Uint8Array([1, 2, 3]));
      await idle.compact(5);
      const busy = engine.group(1);
      for (let i = 1; i <= 300; i++) await busy.append([entry(i, 1, new Uint8Array(200))]);
      await busy.compact(299);
      const before = viewAll(engine);
      const result = await engine.gc();
      expect(result.deletedSegments.length).toBeGreaterThan(2);
      expect(result.rewrittenGroups).toBe(1);
      expect(viewAll(engine)).toEqual(before);
      await engine.close();

      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(viewAll(engine)).toEqual(before);
      const reopenedIdle = engine.group(7);
      expect(reopenedIdle.initialState()).toEqual({
        hardState: { term: 2, vote: 3, commit: 5 },
        confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false },
      });
      expect(reopenedIdle.term(5)).toBe(2);
      expect(reopenedIdle.snapshot().data).toEqual(new Uint8Array([1, 2, 3]));
      // And GC again from the recovered state keeps working.
      for (let i = 300; i <= 500; i++) await engine.group(1).append([entry(i, 3, new Uint8Array(200))]);
      await engine.group(1).compact(500);
      const again = viewAll(engine);
      expect((await engine.gc()).deletedSegments.length).toBeGreaterThan(0);
      await engine.close();
      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(viewAll(engine)).toEqual(again);
      await engine.close();
    });
  });
});
