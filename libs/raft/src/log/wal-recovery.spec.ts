import { copyFile, mkdir, readdir, readFile, stat, truncate, writeFile, appendFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WalCorruptionError } from './log-errors';
import { RaftLogEngine } from './raft-log-engine';
import { viewAll, type GroupView } from './testing/log-state';
import { withTempDir } from './testing/temp-dir';
import { rng, writeRandomBatch } from './testing/workload';

const GROUPS = 20;

async function walFiles(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'wal')))
    .filter((n) => n.endsWith('.wal'))
    .sort()
    .map((n) => join(dir, 'wal', n));
}

async function copyLog(from: string, to: string): Promise<void> {
  for (const sub of ['wal', 'snap']) {
    await mkdir(join(to, sub), { recursive: true });
    for (const name of await readdir(join(from, sub))) await copyFile(join(from, sub, name), join(to, sub, name));
  }
}

/**
 * Writes `batches` random multi-group batches into one segment, recording after each batch
 * the file size and the full observable state: the expected result of a cut at any offset.
 */
async function buildHistory(dir: string, batches: number, seed: number): Promise<{ ends: number[]; states: Record<number, GroupView>[] }> {
  const engine = await RaftLogEngine.open(dir);
  const rand = rng(seed);
  const ends: number[] = [];
  const states: Record<number, GroupView>[] = [];
  const [file] = await walFiles(dir);
  ends.push((await stat(file)).size);
  states.push(viewAll(engine));
  for (let b = 0; b < batches; b++) {
    await writeRandomBatch(engine, rand, GROUPS);
    ends.push((await stat(file)).size);
    states.push(viewAll(engine));
  }
  await engine.close();
  return { ends, states };
}

/** Only groups that exist in both views (a group whose every record was cut disappears). */
function nonEmpty(view: Record<number, GroupView>): Record<number, GroupView> {
  return Object.fromEntries(Object.entries(view).filter(([, v]) => v.last > 0 || (v.hardState as { term: number }).term > 0));
}

describe('WAL recovery', () => {
  it('reopening after close yields exactly the state before, for many interleaved groups', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir, { segmentBytes: 8 << 10, cacheBytes: 4 << 10 });
      const rand = rng(7);
      for (let b = 0; b < 200; b++) await writeRandomBatch(engine, rand, GROUPS);
      for (let g = 1; g <= GROUPS; g += 3) await engine.group(g).compact(Math.max(1, engine.group(g).lastIndex() - 5));
      const before = viewAll(engine);
      expect(engine.stats().segments.length).toBeGreaterThan(3);
      await engine.close();
      engine = await RaftLogEngine.open(dir, { segmentBytes: 8 << 10, cacheBytes: 4 << 10 });
      expect(viewAll(engine)).toEqual(before);
      expect(engine.tornTail).toBeUndefined();
      await engine.close();
    });
  });

  it('cuts a torn tail at any byte offset back to the last complete batch', async () => {
    await withTempDir(async (src) => {
      const { ends, states } = await buildHistory(src, 25, 11);
      const rand = rng(99);
      const total = ends[ends.length - 1];
      const cuts = [ends[0], total - 1, ...Array.from({ length: 30 }, () => ends[0] + Math.floor(rand() * (total - ends[0])))];
      for (const cut of cuts) {
        await withTempDir(async (dir) => {
          await copyLog(src, dir);
          const [file] = await walFiles(dir);
          await truncate(file, cut);
          const k = ends.filter((e) => e <= cut).length - 1;
          const engine = await RaftLogEngine.open(dir);
          expect(nonEmpty(viewAll(engine))).toEqual(nonEmpty(states[k]));
          expect(engine.tornTail === undefined).toBe(cut === ends[k]);
          // The log is usable after the cut, and the cut is durable: a second reopen agrees.
          await writeRandomBatch(engine, rng(cut), GROUPS);
          const after = viewAll(engine);
          await engine.close();
          const again = await RaftLogEngine.open(dir);
          expect(viewAll(again)).toEqual(after);
          expect(again.tornTail).toBeUndefined();
          await again.close();
        });
      }
    });
  });

  it('treats zero-filled or garbage bytes after the last record as a torn tail', async () => {
    await withTempDir(async (dir) => {
      const { states } = await buildHistory(dir, 5, 3);
      const [file] = await walFiles(dir);
      await appendFile(file, Buffer.alloc(4096));
      let engine = await RaftLogEngine.open(dir);
      expect(engine.tornTail?.discardedBytes).toBe(4096);
      expect(viewAll(engine)).toEqual(states[5]);
      await engine.close();
      await appendFile(file, Buffer.from([0x30, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
      engine = await RaftLogEngine.open(dir);
      expect(engine.tornTail?.reason).toMatch(/runs past end/);
      expect(viewAll(engine)).toEqual(states[5]);
      await engine.close();
    });
  });

  it('refuses to open when a record in the middle of the last segment is corrupt, naming file and offset', async () => {
    await withTempDir(async (dir) => {
      const { ends } = await buildHistory(dir, 10, 5);
      const [file] = await walFiles(dir);
      const bad = ends[4] + 20; // inside the first record of batch 5, valid batches follow
      const buf = await readFile(file);
      buf[bad] ^= 0xff;
      await writeFile(file, buf);
      const err = await RaftLogEngine.open(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(WalCorruptionError);
      const c = err as WalCorruptionError;
      expect(c.file).toBe(file);
      expect(c.offset).toBe(ends[4]);
      expect(c.message).toContain(file);
      expect(c.message).toContain(`byte offset ${ends[4]}`);
      expect(c.message).toMatch(/CRC mismatch/);
    });
  });

  it('treats damage inside the last, unfinished batch as torn even if later records of it are intact', async () => {
    await withTempDir(async (dir) => {
      const { ends, states } = await buildHistory(dir, 6, 21);
      const [file] = await walFiles(dir);
      // The last batch lost its BatchEnd (never acknowledged) and a page in its middle.
      await truncate(file, ends[6] - 17);
      const buf = await readFile(file);
      buf[ends[5] + 25] ^= 0xff;
      await writeFile(file, buf);
      const engine = await RaftLogEngine.open(dir);
      expect(engine.tornTail?.offset).toBe(ends[5]);
      expect(nonEmpty(viewAll(engine))).toEqual(nonEmpty(states[5]));
      await engine.close();
    });
  });

  it('refuses to open when the last record of an older segment is damaged', async () => {
    await withTempDir(async (dir) => {
      const engine = await RaftLogEngine.open(dir, { segmentBytes: 4096 });
      const rand = rng(1);
      while (engine.stats().segments.length < 3) await writeRandomBatch(engine, rand, GROUPS);
      await engine.close();
      const [first] = await walFiles(dir);
      const size = (await stat(first)).size;
      await truncate(first, size - 3); // a "torn" tail, but not in the last segment
      await expect(RaftLogEngine.open(dir)).rejects.toThrow(new RegExp(`WAL corruption in ${first} at byte offset \\d+`));
    });
  });

  it('refuses to open when a segment in the middle is missing', async () => {
    await withTempDir(async (dir) => {
      const engine = await RaftLogEngine.open(dir, { segmentBytes: 4096 });
      const rand = rng(2);
      while (engine.stats().segments.length < 4) await writeRandomBatch(engine, rand, GROUPS);
      await engine.close();
      const files = await walFiles(dir);
      await unlink(files[1]);
      await expect(RaftLogEngine.open(dir)).rejects.toThrow(/segment file missing/);
    });
  });

  it('drops a newest segment whose header was never completely written', async () => {
    await withTempDir(async (dir) => {
      const { states } = await buildHistory(dir, 5, 8);
      const files = await walFiles(dir);
      await writeFile(join(dir, 'wal', '00000000000000000002.wal'), Buffer.from('QRYW'));
      const engine = await RaftLogEngine.open(dir);
      expect(viewAll(engine)).toEqual(states[5]);
      expect((await walFiles(dir)).length).toBe(files.length + 1);
      await engine.close();
    });
  });
});
