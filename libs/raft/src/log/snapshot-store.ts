import { dirname, join } from 'node:path';
import type { Snapshot } from '../types';
import { decodeSnapshotFile, encodeSnapshotFile, writeFileAtomically } from './snapshot-file';
import type { WalFs } from './wal-fs';

/**
 * Per-group snapshot files in one directory, named `<groupId>-<index>.snap` (zero-padded).
 * The WAL's Snapshot records say which snapshot is current; files are written before their
 * record, so after a crash a file may exist without a record (it is deleted on open), never
 * the reverse.
 */
export class SnapshotStore {
  constructor(
    private readonly fs: WalFs,
    readonly dir: string,
  ) {}

  path(groupId: number, index: number): string {
    return join(this.dir, `${String(groupId).padStart(20, '0')}-${String(index).padStart(20, '0')}.snap`);
  }

  async write(groupId: number, snapshot: Snapshot): Promise<void> {
    await writeFileAtomically(this.fs, this.path(groupId, snapshot.metadata.index), encodeSnapshotFile(groupId, snapshot));
  }

  /** Synchronous because Storage.snapshot() is; verifies the checksum on every load. */
  readSync(groupId: number, index: number): Snapshot {
    const path = this.path(groupId, index);
    return decodeSnapshotFile(path, this.fs.readFileSync(path), groupId);
  }

  async read(groupId: number, index: number): Promise<Snapshot> {
    const path = this.path(groupId, index);
    return decodeSnapshotFile(path, await this.fs.readFile(path), groupId);
  }

  /**
   * Deletes every file except the current snapshot of each group (`current` maps group to
   * index), including temp leftovers. Returns the names deleted.
   */
  async removeAllExcept(current: ReadonlyMap<number, number>): Promise<string[]> {
    await this.fs.mkdirp(this.dir);
    await this.fs.fsyncDir(dirname(this.dir));
    const removed: string[] = [];
    for (const name of await this.fs.readdir(this.dir)) {
      const m = /^(\d{20})-(\d{20})\.snap$/.exec(name);
      if (m !== null && current.get(Number(m[1])) === Number(m[2])) continue;
      await this.fs.unlink(join(this.dir, name));
      removed.push(name);
    }
    if (removed.length > 0) await this.fs.fsyncDir(this.dir);
    return removed;
  }

  /** Deletes one group's older snapshot once a newer one is durably referenced by the WAL. */
  async remove(groupId: number, index: number): Promise<void> {
    await this.fs.unlink(this.path(groupId, index)).catch(() => undefined);
  }
}
