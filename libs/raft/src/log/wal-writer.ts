import { WalFailedError } from './log-errors';
import { BATCH_END_RECORD } from './record-payloads';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentPath } from './segment-file';
import type { WalFile, WalFs } from './wal-fs';

/** Where a reserved record will live once written. */
export interface RecordLocation {
  seg: number;
  offset: number;
}

interface PendingChunk {
  seg: number;
  /** File offset of the first buffer. */
  offset: number;
  buffers: Buffer[];
}

interface Waiter {
  /** Resolved once durableBytes >= target. */
  target: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface WalWriterStats {
  writes: number;
  fsyncs: number;
}

/**
 * Appends records to the active segment with group commit.
 *
 * Callers reserve records synchronously (so the in-memory index learns each record's segment
 * and offset immediately) and then await `commit()`. While one write+fdatasync is in flight,
 * every record reserved by anyone queues up; the next flush takes them all and persists them
 * with ONE writev and ONE fdatasync, however many groups and batches contributed. A segment roll
 * costs extra syncs (old segment, new file, directory), never per-record ones.
 *
 * Any I/O failure poisons the writer: after a failed fsync the kernel may have dropped the dirty
 * pages, so the only safe continuation is to reopen and replay (the node restarts).
 */
export class WalWriter {
  private pending: PendingChunk[] = [];
  private waiters: Waiter[] = [];
  private reservedBytes = 0;
  private durableBytes = 0;
  private syncWanted = false;
  private flushing = false;
  private failure: unknown;
  private tailSeg: number;
  private tailSize: number;
  readonly stats: WalWriterStats = { writes: 0, fsyncs: 0 };

  constructor(
    private readonly fs: WalFs,
    private readonly dir: string,
    private readonly segmentBytes: number,
    private activeSeg: number,
    activeSize: number,
    private activeFile: WalFile,
    /** Told about every new segment file once it is durable (the engine tracks segments). */
    private readonly onSegmentCreated: (seg: number) => void,
  ) {
    this.tailSeg = activeSeg;
    this.tailSize = activeSize;
  }

  /** Sequence of the segment new records go to; older ones are sealed. */
  get currentSegment(): number {
    return this.tailSeg;
  }

  /**
   * Starts a batch. Segments roll only here, so a batch never spans two segments: each batch
   * reaches the disk in one writev and can be made atomic by its BatchEnd record. A segment
   * therefore ends at the first batch boundary past segmentBytes.
   */
  beginBatch(): void {
    this.throwIfFailed();
    if (this.tailSize > SEGMENT_HEADER_BYTES && this.tailSize >= this.segmentBytes) {
      this.tailSeg++;
      this.tailSize = SEGMENT_HEADER_BYTES;
    }
  }

  /** Queues a sealed record of the current batch; it is written by the next flush. */
  reserve(record: Buffer): RecordLocation {
    this.throwIfFailed();
    const loc = { seg: this.tailSeg, offset: this.tailSize };
    const last = this.pending[this.pending.length - 1];
    if (last !== undefined && last.seg === loc.seg) last.buffers.push(record);
    else this.pending.push({ seg: loc.seg, offset: loc.offset, buffers: [record] });
    this.tailSize += record.length;
    this.reservedBytes += record.length;
    return loc;
  }

  /** Closes the current batch with its BatchEnd record. */
  endBatch(): void {
    this.reserve(BATCH_END_RECORD);
  }

  /**
   * Resolves when everything reserved so far is written, and synced unless `sync` is false.
   * Raft needs no fsync for a batch that only moves the commit index (etcd's mustSync): losing
   * it in a crash loses nothing that cannot be learnt again. A later synced commit covers it.
   */
  commit(sync = true): Promise<void> {
    this.throwIfFailed();
    this.syncWanted ||= sync;
    if (this.durableBytes >= this.reservedBytes) return Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => {
      this.waiters.push({ target: this.reservedBytes, resolve, reject });
    });
    if (!this.flushing) {
      this.flushing = true;
      // Start on a later microtask so reservations made in the same synchronous run coalesce.
      queueMicrotask(() => void this.flushLoop());
    }
    return promise;
  }

  async close(): Promise<void> {
    if (this.failure === undefined && this.reservedBytes > this.durableBytes) await this.commit();
    await this.activeFile.close();
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const chunks = this.pending;
        const target = this.reservedBytes;
        const sync = this.syncWanted;
        this.pending = [];
        this.syncWanted = false;
        for (const chunk of chunks) await this.writeChunk(chunk, sync);
        this.durableBytes = target;
        this.resolveWaiters();
      }
    } catch (e) {
      this.failure = e;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.reject(new WalFailedError(e));
    } finally {
      this.flushing = false;
    }
  }

  private async writeChunk(chunk: PendingChunk, sync: boolean): Promise<void> {
    // One contiguous buffer: a writev of thousands of small records would be split by libuv
    // into several syscalls (IOV_MAX); the copy costs far less than the extra syscalls.
    const data = chunk.buffers.length === 1 ? chunk.buffers : [Buffer.concat(chunk.buffers)];
    if (chunk.seg !== this.activeSeg) await this.rollTo(chunk.seg, data, chunk.offset);
    else await this.activeFile.writev(data, chunk.offset);
    this.stats.writes++;
    if (!sync) return;
    await this.activeFile.datasync();
    this.stats.fsyncs++;
  }

  /**
   * Seals the active segment (its data was already synced by its own chunk) and creates the
   * next one, writing its header together with the first records. The directory is synced so
   * the new name survives a crash before the records are acknowledged.
   */
  private async rollTo(seg: number, buffers: Buffer[], offset: number): Promise<void> {
    if (offset !== SEGMENT_HEADER_BYTES) throw new Error(`bug: new segment ${seg} starts at ${offset}`);
    await this.activeFile.close();
    const file = await this.fs.openForWrite(segmentPath(this.dir, seg), 'create');
    this.activeFile = file;
    this.activeSeg = seg;
    await file.writev([encodeSegmentHeader(seg), ...buffers], 0);
    await this.fs.fsyncDir(this.dir);
    this.stats.fsyncs++;
    this.onSegmentCreated(seg);
  }

  private resolveWaiters(): void {
    let k = 0;
    while (k < this.waiters.length && this.waiters[k].target <= this.durableBytes) this.waiters[k++].resolve();
    this.waiters = this.waiters.slice(k);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw new WalFailedError(this.failure);
  }
}
