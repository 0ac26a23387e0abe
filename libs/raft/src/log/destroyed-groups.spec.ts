import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RaftLogEngine } from './raft-log-engine';
import { viewAll } from './testing/log-state';
import { withTempDir } from './testing/temp-dir';
import { entry } from './testing/workload';

const OPTIONS = { segmentBytes: 16 << 10 };
const CONF = { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

async function files(dir: string, sub: string): Promise<string[]> {
  return (await readdir(join(dir, sub))).sort();
}

describe('destroyed groups', () => {
  it('a segment whose only live group is destroyed gets deleted, with the group snapshot file', async () => {
    await withTempDir(async (dir) => {
      const engine = await RaftLogEngine.open(dir, { ...OPTIONS, gcMoveGroupBytes: 0 });
      // The replica that will move away: entries, a hard state and a snapshot in the first segment.
      const gone = engine.group(2);
      await gone.append([1, 2, 3].map((i) => entry(i, 4, new Uint8Array(100).fill(i))));
      await gone.setHardState({ term: 4, vote: 1, commit: 3 });
      await gone.createSnapshot(2, CONF, new Uint8Array([9, 9]));
      const busy = engine.group(1);
      for (let i = 1; i <= 400; i++) await busy.append([entry(i, 1, new Uint8Array(200))]);
      await busy.compact(400);
      const segments = engine.stats().segments.length;
      expect(segments).toBeGreaterThan(4);
      expect(await files(dir, 'snap')).toHaveLength(1);
      // Group 2 pins the first segment, and with it every later one.
      expect((await engine.gc()).deletedSegments).toEqual([]);

      await engine.destroyGroup(2);
      expect(engine.groupIds()).toEqual([1]);
      expect(await files(dir, 'snap')).toEqual([]);
      const result = await engine.gc();
      expect(result.deletedSegments).toHaveLength(segments - 1);
      expect(result.rewrittenGroups).toBe(0); // nothing of group 2 is carried forward
      expect(await files(dir, 'wal')).toHaveLength(engine.stats().segments.length);
      const before = viewAll(engine);
      await engine.close();

      const reopened = await RaftLogEngine.open(dir, OPTIONS);
      expect(reopened.groupIds()).toEqual([1]);
      expect(viewAll(reopened)).toEqual(before);
      await reopened.close();
    });
  });

  it('a restart does not resurrect a destroyed group; a group recreated under its id starts afresh', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir, OPTIONS);
      const old = engine.group(5);
      await old.append([1, 2, 3, 4].map((i) => entry(i, 2, new Uint8Array(50).fill(i))));
      await old.setHardState({ term: 2, vote: 5, commit: 4 });
      await engine.group(6).append([entry(1, 1, new Uint8Array([6]))]);
      await engine.destroyGroup(5);
      await engine.close();

      // Restart before any GC: the old records are still on disk, but the Destroy record wins.
      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(engine.groupIds()).toEqual([6]);
      expect(engine.group(5).lastIndex()).toBe(0);
      expect(engine.group(5).initialState().hardState).toEqual({ term: 0, vote: 0, commit: 0 });

      // The same id hosted again (the replica moved back): only the new records count.
      await engine.group(5).append([entry(1, 9, new Uint8Array([1])), entry(2, 9, new Uint8Array([2]))]);
      await engine.group(5).setHardState({ term: 9, vote: 0, commit: 1 });
      const before = viewAll(engine);
      await engine.close();

      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(viewAll(engine)).toEqual(before);
      expect(
        engine
          .group(5)
          .entries(1, 3, Number.MAX_SAFE_INTEGER)
          .map((e) => e.term),
      ).toEqual([9, 9]);
      await engine.close();
    });
  });

  it('destroying a group in the same batch as other groups writes leaves them intact', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir, OPTIONS);
      await engine.group(3).append([entry(1, 1, new Uint8Array([3]))]);
      await engine.write(
        engine
          .newBatch()
          .append(4, [entry(1, 1, new Uint8Array([4]))])
          .destroy(3)
          .setHardState(4, { term: 1, vote: 4, commit: 1 }),
      );
      const before = viewAll(engine);
      expect(Object.keys(before)).toEqual(['4']);
      await engine.close();
      engine = await RaftLogEngine.open(dir, OPTIONS);
      expect(viewAll(engine)).toEqual(before);
      await engine.close();
    });
  });
});
