import { describe, expect, it } from 'vitest';
import { WalFailedError } from './log-errors';
import { RaftLogEngine } from './raft-log-engine';
import { countingFs } from './testing/counting-fs';
import { viewAll } from './testing/log-state';
import { withTempDir } from './testing/temp-dir';
import { entry, randomBytes, rng } from './testing/workload';

describe('group commit', () => {
  it('persists a batch of many groups with one write and one fdatasync', async () => {
    await withTempDir(async (dir) => {
      const { fs, counters } = countingFs();
      const engine = await RaftLogEngine.open(dir, { fs });
      const rand = rng(4);
      for (let round = 0; round < 5; round++) {
        const before = { ...counters };
        const batch = engine.newBatch();
        for (let g = 1; g <= 500; g++) {
          const next = engine.group(g).lastIndex() + 1;
          batch.append(g, [entry(next, 1, randomBytes(rand, 100)), entry(next + 1, 1, randomBytes(rand, 100))]);
          batch.setHardState(g, { term: 1, vote: 1, commit: next });
        }
        await engine.write(batch);
        expect(counters.writes - before.writes).toBe(1);
        expect(counters.datasyncs - before.datasyncs).toBe(1);
        expect(counters.dirSyncs - before.dirSyncs).toBe(0);
      }
      const state = viewAll(engine);
      await engine.close();
      const reopened = await RaftLogEngine.open(dir);
      expect(viewAll(reopened)).toEqual(state);
      await reopened.close();
    });
  });

  it('coalesces concurrent single-group writes into few fsyncs', async () => {
    await withTempDir(async (dir) => {
      const { fs, counters } = countingFs();
      const engine = await RaftLogEngine.open(dir, { fs });
      const before = counters.datasyncs;
      // 1000 groups each appending on their own, without waiting for one another.
      await Promise.all(Array.from({ length: 1000 }, (_, g) => engine.group(g + 1).append([entry(1, 1, new Uint8Array(100))])));
      // All were reserved in the same tick: the first flush takes them all.
      expect(counters.datasyncs - before).toBe(1);
      // Writes issued while a flush is in flight are taken by the next one.
      const waves = [];
      for (let w = 0; w < 10; w++) {
        waves.push(engine.group(1).append([entry(2 + w, 1, new Uint8Array(10))]));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.all(waves);
      expect(counters.datasyncs - before).toBeLessThanOrEqual(11);
      expect(engine.group(1).lastIndex()).toBe(11);
      await engine.close();
    });
  });

  it('rolls segments with the extra syncs only at the roll', async () => {
    await withTempDir(async (dir) => {
      const { fs, counters } = countingFs();
      const engine = await RaftLogEngine.open(dir, { fs, segmentBytes: 64 << 10 });
      const dirSyncsAtOpen = counters.dirSyncs;
      for (let i = 1; i <= 200; i++) await engine.group(1).append([entry(i, 1, new Uint8Array(1000))]);
      const segments = engine.stats().segments.length;
      expect(segments).toBeGreaterThan(2);
      // One datasync per batch; each roll adds one directory sync.
      expect(counters.dirSyncs - dirSyncsAtOpen).toBe(segments - 1);
      expect(counters.datasyncs).toBe(200 + 1); // + the first segment's header at open
      await engine.close();
    });
  });

  it('rejects an invalid batch without writing or changing anything', async () => {
    await withTempDir(async (dir) => {
      const { fs, counters } = countingFs();
      const engine = await RaftLogEngine.open(dir, { fs });
      await engine.group(1).append([entry(1, 1, new Uint8Array(1))]);
      const before = { ...counters };
      const batch = engine
        .newBatch()
        .append(2, [entry(1, 1, new Uint8Array(1))])
        .append(1, [entry(3, 1, new Uint8Array(1))]);
      await expect(engine.write(batch)).rejects.toThrow(/missing log entry/);
      const badType = engine.newBatch().append(3, [{ ...entry(1, 1, new Uint8Array(1)), type: 'bogus' as never }]);
      await expect(engine.write(badType)).rejects.toThrow(/unknown entry type/);
      expect(engine.group(2).lastIndex()).toBe(0);
      expect(counters).toEqual(before);
      await engine.close();
    });
  });

  it('fails every waiter and refuses further writes after a failed fdatasync', async () => {
    await withTempDir(async (dir) => {
      const { fs, failNextDatasync } = countingFs();
      const engine = await RaftLogEngine.open(dir, { fs });
      await engine.group(1).append([entry(1, 1, new Uint8Array(10))]);
      failNextDatasync();
      const a = engine.group(1).append([entry(2, 1, new Uint8Array(10))]);
      const b = engine.group(2).append([entry(1, 1, new Uint8Array(10))]);
      await expect(a).rejects.toBeInstanceOf(WalFailedError);
      await expect(b).rejects.toBeInstanceOf(WalFailedError);
      await expect(engine.group(3).append([entry(1, 1, new Uint8Array(10))])).rejects.toBeInstanceOf(WalFailedError);
      await engine.close().catch(() => undefined);
      // What was acknowledged before the failure survives.
      const reopened = await RaftLogEngine.open(dir);
      expect(reopened.group(1).lastIndex()).toBeGreaterThanOrEqual(1);
      await reopened.close();
    });
  });
});
