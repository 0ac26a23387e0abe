import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * The file-system operations the log uses, behind an interface so tests can count fsyncs,
 * inject failures and observe exactly which syscalls a group commit costs.
 */
export interface WalFile {
  /** Writes all buffers at `position` with a single vectored write. */
  writev(buffers: readonly Uint8Array[], position: number): Promise<void>;
  /** fdatasync: data plus the metadata needed to read it back (size), not timestamps. */
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface WalFs {
  /** Opens for writing; `create` fails if the file exists (new segments never reuse names). */
  openForWrite(path: string, mode: 'create' | 'existing'): Promise<WalFile>;
  readFile(path: string): Promise<Buffer>;
  readdir(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** fsync of a directory: makes created/renamed/deleted names durable. */
  fsyncDir(dir: string): Promise<void>;
  /** Synchronous positional reads for Storage.entries() cache misses (Storage is synchronous). */
  openReadSync(path: string): number;
  readSync(fd: number, into: Uint8Array, position: number): number;
  closeSync(fd: number): void;
  readFileSync(path: string): Buffer;
}

/** An fdatasync slower than this on average goes to the thread pool instead of blocking. */
const INLINE_SYNC_MAX_MS = 2;

/**
 * Writes are synchronous: they only copy into the page cache, and a thread-pool round trip
 * (two thread wake-ups) costs more than the copy, which on a busy machine showed up as the
 * largest part of a small batch's latency. fdatasync runs inline too while the disk is fast
 * (average under INLINE_SYNC_MAX_MS: the Ready loop waits for it anyway), and in the thread
 * pool once it is slow, so a slow disk never stalls the event loop for long.
 */
class NodeWalFile implements WalFile {
  /** Moving average of fdatasync time; starts "fast" and adapts within a few calls. */
  private syncMs = 0;
  private sinceProbe = 0;

  constructor(private readonly handle: fsp.FileHandle) {}

  async writev(buffers: readonly Uint8Array[], position: number): Promise<void> {
    let pending = buffers.slice();
    let pos = position;
    // writev may write partially (e.g. ENOSPC races, signals); continue until everything is out.
    while (pending.length > 0) {
      const bytesWritten = fs.writevSync(this.handle.fd, pending, pos);
      pos += bytesWritten;
      pending = dropWritten(pending, bytesWritten);
    }
  }

  async datasync(): Promise<void> {
    // While slow, every 32nd sync still runs inline to notice when the disk is fast again.
    if (this.syncMs >= INLINE_SYNC_MAX_MS && ++this.sinceProbe % 32 !== 0) return this.handle.datasync();
    const t0 = performance.now();
    fs.fdatasyncSync(this.handle.fd);
    this.syncMs = this.syncMs * 0.8 + (performance.now() - t0) * 0.2;
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

function dropWritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let left = written;
  let i = 0;
  while (i < buffers.length && left >= buffers[i].length) left -= buffers[i++].length;
  const rest = buffers.slice(i);
  if (left > 0 && rest.length > 0) rest[0] = rest[0].subarray(left);
  return rest;
}

export const nodeWalFs: WalFs = {
  async openForWrite(path, mode) {
    return new NodeWalFile(await fsp.open(path, mode === 'create' ? 'wx' : 'r+'));
  },
  readFile: (path) => fsp.readFile(path),
  readdir: (dir) => fsp.readdir(dir),
  async mkdirp(dir) {
    await fsp.mkdir(dir, { recursive: true });
  },
  unlink: (path) => fsp.unlink(path),
  rename: (from, to) => fsp.rename(from, to),
  async fsyncDir(dir) {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  openReadSync: (path) => fs.openSync(path, 'r'),
  readSync: (fd, into, position) => fs.readSync(fd, into, 0, into.length, position),
  closeSync: (fd) => fs.closeSync(fd),
  readFileSync: (path) => fs.readFileSync(path),
};
