import { join } from 'node:path';
import { validateBatch } from './batch-validation';
import { applyBatch } from './batch-applier';
import { EntryCache } from './entry-cache';
import { GroupState } from './group-state';
import { LogWriteBatch } from './log-write-batch';
import { RaftGroupLog, type GroupLogHost } from './raft-group-log';
import { planGc, reserveGcRewrite, type GcBudget } from './segment-gc';
import { segmentPath } from './segment-file';
import { SegmentReaders } from './segment-readers';
import { SnapshotStore } from './snapshot-store';
import { nodeWalFs, type WalFs } from './wal-fs';
import { recoverWal, type TornTail } from './wal-recovery';
import { WalWriter } from './wal-writer';

export interface RaftLogEngineOptions {
  /** Roll to a new segment once the active one would exceed this. Default 64 MiB. */
  segmentBytes?: number;
  /** Process-wide budget for cached entry payloads. Default 256 MiB. */
  cacheBytes?: number;
  /** File-system seam (tests count fsyncs, inject faults). */
  fs?: WalFs;
  /**
   * GC moves the live entries of a group pinning old segments if they are at most this many
   * bytes (default 1 MiB; 0 disables moving). See segment-gc.ts.
   */
  gcMoveGroupBytes?: number;
  /** Bytes of entries GC moves per run at most (default: one segment). */
  gcMoveTotalBytes?: number;
}

export interface GcResult {
  deletedSegments: number[];
  /** Groups whose HardState/markers were re-written to let old segments go. */
  rewrittenGroups: number;
  /** Groups whose live entries were moved to the active segment. */
  movedGroups: number;
}

/**
 * The durable log of every Raft group hosted by one process: one shared WAL (segments in
 * `<dir>/wal`), per-group snapshot files (`<dir>/snap`), in-memory indexes and an entry cache.
 *
 * Typical multi-Raft use: each loop turn, collect the Ready of all groups into one
 * LogWriteBatch, `await engine.write(batch)` (one writev + one fdatasync), then send messages
 * and advance. `group(id)` gives the per-group Storage the Raft core reads from.
 */
export class RaftLogEngine implements GroupLogHost {
  private readonly groups: Map<number, GroupState>;
  private readonly facades = new Map<number, RaftGroupLog>();
  private readonly segments: number[];
  private closed = false;
  private gcRunning: Promise<GcResult> | undefined;
  private readonly table = {
    stateOf: (id: number): GroupState => this.state(id),
    forget: (id: number): void => {
      this.groups.delete(id);
      this.facades.delete(id);
    },
  };

  private constructor(
    private readonly fs: WalFs,
    private readonly walDir: string,
    private readonly writer: WalWriter,
    readonly cache: EntryCache,
    readonly readers: SegmentReaders,
    readonly snapshots: SnapshotStore,
    recovered: { groups: Map<number, GroupState>; segments: number[] },
    /** Set when open() cut a torn tail off the last segment (for logging by the host). */
    readonly tornTail: TornTail | undefined,
    private readonly gcBudget: GcBudget,
  ) {
    this.groups = recovered.groups;
    this.segments = recovered.segments;
  }

  static async open(dir: string, options: RaftLogEngineOptions = {}): Promise<RaftLogEngine> {
    const fs = options.fs ?? nodeWalFs;
    const segmentBytes = options.segmentBytes ?? 64 << 20;
    const walDir = join(dir, 'wal');
    const cache = new EntryCache(options.cacheBytes ?? 256 << 20);
    const recovered = await recoverWal(fs, walDir, cache, segmentBytes);
    const snapshots = new SnapshotStore(fs, join(dir, 'snap'));
    const current = new Map<number, number>();
    for (const g of recovered.groups.values()) if (g.snapshot.index > 0) current.set(g.groupId, g.snapshot.index);
    // Files written before a crash that prevented their WAL record; and superseded ones.
    await snapshots.removeAllExcept(current);
    const segments = recovered.segments;
    const activeSeg = segments[segments.length - 1];
    // The engine and the writer share the segment list: the writer appends rolled segments.
    const writer = new WalWriter(fs, walDir, segmentBytes, activeSeg, recovered.activeSize, recovered.activeFile, (seg) => segments.push(seg));
    const engine = new RaftLogEngine(fs, walDir, writer, cache, new SegmentReaders(fs, walDir), snapshots, recovered, recovered.tornTail, {
      maxGroupBytes: options.gcMoveGroupBytes ?? 1 << 20,
      maxTotalBytes: options.gcMoveTotalBytes ?? segmentBytes,
    });
    return engine;
  }

  /** The Storage of one group; created empty on first use. */
  group(groupId: number): RaftGroupLog {
    let facade = this.facades.get(groupId);
    if (facade === undefined) {
      facade = new RaftGroupLog(groupId, this);
      this.facades.set(groupId, facade);
    }
    return facade;
  }

  groupIds(): number[] {
    return [...this.groups.keys()];
  }

  state(groupId: number): GroupState {
    let g = this.groups.get(groupId);
    if (g === undefined) {
      g = new GroupState(groupId, this.cache);
      this.groups.set(groupId, g);
    }
    return g;
  }

  newBatch(): LogWriteBatch {
    return new LogWriteBatch();
  }

  /**
   * Makes a batch durable. Validation and the in-memory update happen synchronously in this
   * call (after any snapshot files of the batch are written), so concurrent callers' batches
   * land in the WAL in the order their memory updates happened. Resolves once fsynced.
   */
  async write(batch: LogWriteBatch): Promise<void> {
    this.throwIfClosed();
    if (batch.isEmpty) return;
    const lookup = (id: number): GroupState | undefined => this.groups.get(id);
    validateBatch(batch.ops, lookup);
    // Snapshot files first: a WAL record must never point at a file that is not durable.
    const snapshotOps = batch.ops.filter((op) => op.kind === 'snapshot');
    if (snapshotOps.length > 0) {
      await Promise.all(snapshotOps.map((op) => this.snapshots.write(op.groupId, op.snapshot)));
      // The state may have moved while the files were written.
      validateBatch(batch.ops, lookup);
    }
    const applied = applyBatch(batch.ops, this.table, this.writer);
    await this.writer.commit(batch.sync || snapshotOps.length > 0);
    // Durable now: the payloads can be read back from the file, so they become evictable.
    for (const item of applied.pinned) {
      this.cache.admit(item);
    }
    for (const s of applied.supersededSnapshots) await this.snapshots.remove(s.groupId, s.index);
  }

  /**
   * Destroys a group's log, durably: its records no longer pin segments (GC deletes segments
   * holding only dead records, as after a full compaction), its snapshot file is deleted, and
   * a restart does not bring it back. Reopening the group id later starts an empty log.
   */
  destroyGroup(groupId: number): Promise<void> {
    return this.write(new LogWriteBatch().destroy(groupId));
  }

  /**
   * Deletes segments holding no live entry of any group (see segment-gc.ts). Call periodically,
   * e.g. after compacting groups.
   */
  async gc(): Promise<GcResult> {
    this.throwIfClosed();
    if (this.gcRunning !== undefined) return this.gcRunning;
    this.gcRunning = this.collectSegments();
    try {
      return await this.gcRunning;
    } finally {
      this.gcRunning = undefined;
    }
  }

  private async collectSegments(): Promise<GcResult> {
    const plan = planGc(this.groups.values(), this.writer.currentSegment, this.gcBudget);
    const victims = this.segments.filter((s) => s < plan.cutoff);
    if (victims.length === 0) return { deletedSegments: [], rewrittenGroups: 0, movedGroups: 0 };
    const rewrite = reserveGcRewrite(this.groups.values(), plan, this.writer, this.readers, this.cache);
    await this.writer.commit();
    // Durable now: the payloads can be read back from the file, so they become evictable.
    for (const item of rewrite.pinned) {
      this.cache.admit(item);
    }
    for (const seg of victims) {
      this.readers.forget(seg);
      await this.fs.unlink(segmentPath(this.walDir, seg));
    }
    await this.fs.fsyncDir(this.walDir);
    this.segments.splice(0, victims.length);
    return { deletedSegments: victims, rewrittenGroups: rewrite.metadataGroups, movedGroups: plan.moves.length };
  }

  stats(): { segments: number[]; cacheBytes: number; writes: number; fsyncs: number; groups: number } {
    return {
      segments: [...this.segments],
      cacheBytes: this.cache.bytes,
      writes: this.writer.stats.writes,
      fsyncs: this.writer.stats.fsyncs,
      groups: this.groups.size,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.readers.closeAll();
    await this.writer.close();
  }

  private throwIfClosed(): void {
    if (this.closed) throw new Error('RaftLogEngine is closed');
  }
}
