import { nodeWalFs, type WalFile, type WalFs } from '../wal-fs';

export interface FsCounters {
  writes: number;
  datasyncs: number;
  dirSyncs: number;
}

/**
 * The real file system with syscall counters, and an optional fault to inject into datasync
 * (to test that a failed fsync poisons the log).
 */
export function countingFs(base: WalFs = nodeWalFs): { fs: WalFs; counters: FsCounters; failNextDatasync: () => void } {
  const counters: FsCounters = { writes: 0, datasyncs: 0, dirSyncs: 0 };
  let failNext = false;
  const wrap = (file: WalFile): WalFile => ({
    async writev(buffers, position) {
      counters.writes++;
      await file.writev(buffers, position);
    },
    async datasync() {
      counters.datasyncs++;
      if (failNext) {
        failNext = false;
        throw new Error('injected EIO on fdatasync');
      }
      await file.datasync();
    },
    truncate: (length) => file.truncate(length),
    close: () => file.close(),
  });
  const fs: WalFs = {
    ...base,
    openForWrite: async (path, mode) => wrap(await base.openForWrite(path, mode)),
    fsyncDir: async (dir) => {
      counters.dirSyncs++;
      await base.fsyncDir(dir);
    },
  };
  return { fs, counters, failNextDatasync: () => (failNext = true) };
}
