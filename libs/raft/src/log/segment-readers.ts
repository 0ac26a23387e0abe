import { segmentPath } from './segment-file';
import type { WalFs } from './wal-fs';

/**
 * Read-only descriptors of segment files, opened on first use and kept until the segment is
 * deleted, so a cache miss costs one pread and no open().
 */
export class SegmentReaders {
  private readonly fds = new Map<number, number>();

  constructor(
    private readonly fs: WalFs,
    private readonly dir: string,
  ) {}

  /** Reads exactly `length` bytes at `offset` of segment `seg`. */
  read(seg: number, offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = this.fs.readSync(this.fd(seg), buf.subarray(done), offset + done);
      if (n === 0) throw new Error(`short read of ${segmentPath(this.dir, seg)} at ${offset + done}`);
      done += n;
    }
    return buf;
  }

  forget(seg: number): void {
    const fd = this.fds.get(seg);
    if (fd !== undefined) this.fs.closeSync(fd);
    this.fds.delete(seg);
  }

  closeAll(): void {
    for (const seg of [...this.fds.keys()]) this.forget(seg);
  }

  private fd(seg: number): number {
    let fd = this.fds.get(seg);
    if (fd === undefined) {
      fd = this.fs.openReadSync(segmentPath(this.dir, seg));
      this.fds.set(seg, fd);
    }
    return fd;
  }
}
