import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrSnapOutOfDate } from '../errors';
import type { Snapshot } from '../types';
import { SnapshotChecksumError } from './log-errors';
import { RaftLogEngine } from './raft-log-engine';
import { SnapshotStore } from './snapshot-store';
import { withTempDir } from './testing/temp-dir';
import { entry, randomBytes, rng } from './testing/workload';
import { nodeWalFs } from './wal-fs';

const CONF = { voters: [1, 2, 3], learners: [4], votersOutgoing: [], learnersNext: [], autoLeave: false };

function snap(index: number, term: number, size: number, seed = index): Snapshot {
  return { metadata: { index, term, confState: CONF }, data: randomBytes(rng(seed), size) };
}

describe('snapshot files', () => {
  it('installs a snapshot durably: file + WAL marker survive reopen, log is replaced', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir);
      const log = engine.group(3);
      await log.append([1, 2, 3].map((i) => entry(i, 1, new Uint8Array(5))));
      const s = snap(100, 4, 100_000);
      await log.applySnapshot(s);
      expect([log.firstIndex(), log.lastIndex(), log.term(100)]).toEqual([101, 100, 4]);
      await log.append([entry(101, 4, new Uint8Array([9]))]);
      await engine.close();

      engine = await RaftLogEngine.open(dir);
      const reopened = engine.group(3);
      expect(reopened.snapshot()).toEqual(s);
      expect(reopened.initialState().confState).toEqual(CONF);
      expect([reopened.firstIndex(), reopened.lastIndex(), reopened.term(100)]).toEqual([101, 101, 4]);
      await expect(reopened.applySnapshot(snap(50, 1, 10))).rejects.toBe(ErrSnapOutOfDate);
      await engine.close();
    });
  });

  it('keeps only the current snapshot file per group and removes orphans on open', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir);
      await engine.group(1).applySnapshot(snap(10, 1, 100));
      await engine.group(1).applySnapshot(snap(20, 1, 100));
      await engine.group(2).applySnapshot(snap(5, 1, 100));
      expect((await readdir(join(dir, 'snap'))).sort()).toEqual([
        `${'1'.padStart(20, '0')}-${'20'.padStart(20, '0')}.snap`,
        `${'2'.padStart(20, '0')}-${'5'.padStart(20, '0')}.snap`,
      ]);
      await engine.close();
      // A crash after the file was written but before its WAL record: an orphan, and a temp file.
      const store = new SnapshotStore(nodeWalFs, join(dir, 'snap'));
      await store.write(1, snap(30, 2, 10));
      await writeFile(join(dir, 'snap', 'leftover.snap.tmp'), 'x');
      engine = await RaftLogEngine.open(dir);
      expect((await readdir(join(dir, 'snap'))).length).toBe(2);
      expect(engine.group(1).snapshot().metadata.index).toBe(20);
      await engine.close();
    });
  });

  it('rejects a snapshot file whose data checksum does not match, naming the file', async () => {
    await withTempDir(async (dir) => {
      let engine = await RaftLogEngine.open(dir);
      await engine.group(1).applySnapshot(snap(10, 1, 5000));
      await engine.close();
      const store = new SnapshotStore(nodeWalFs, join(dir, 'snap'));
      const file = store.path(1, 10);
      const buf = await readFile(file);
      buf[buf.length - 100] ^= 0x01;
      await writeFile(file, buf);
      engine = await RaftLogEngine.open(dir);
      const err = (() => {
        try {
          engine.group(1).snapshot();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(SnapshotChecksumError);
      expect(String(err)).toContain(file);
      expect(String(err)).toMatch(/data checksum mismatch/);
      await expect(store.read(1, 10)).rejects.toBeInstanceOf(SnapshotChecksumError);
      await engine.close();
    });
  });

  it('rejects truncated files and files of another group', async () => {
    await withTempDir(async (dir) => {
      const store = new SnapshotStore(nodeWalFs, dir);
      await store.write(1, snap(10, 1, 1000));
      const buf = await readFile(store.path(1, 10));
      await writeFile(store.path(1, 10), buf.subarray(0, buf.length - 1));
      expect(() => store.readSync(1, 10)).toThrow(/data is 999 bytes, header says 1000/);
      await writeFile(store.path(2, 10), buf);
      expect(() => store.readSync(2, 10)).toThrow(/belongs to group 1/);
      buf[20] ^= 0xff; // inside the JSON header
      await writeFile(store.path(1, 10), buf);
      expect(() => store.readSync(1, 10)).toThrow(/header checksum mismatch/);
    });
  });
});
