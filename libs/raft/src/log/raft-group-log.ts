import { ErrCompacted, ErrUnavailable } from '../errors';
import type { Storage } from '../storage';
import { emptyConfState, emptySnapshot, type ConfState, type Entry, type HardState, type Snapshot } from '../types';
import type { EntryCache } from './entry-cache';
import { readEntries } from './entry-reader';
import type { GroupState } from './group-state';
import { LogWriteBatch } from './log-write-batch';
import type { SegmentReaders } from './segment-readers';
import type { SnapshotStore } from './snapshot-store';

/** What a group's facade needs from the engine that hosts it. */
export interface GroupLogHost {
  readonly cache: EntryCache;
  readonly readers: SegmentReaders;
  readonly snapshots: SnapshotStore;
  state(groupId: number): GroupState;
  write(batch: LogWriteBatch): Promise<void>;
}

/**
 * One group's durable log: the Raft core's Storage (synchronous reads from the in-memory index,
 * cache and segment files) plus single-group writes. Each write is a one-group batch; concurrent
 * writes of many groups are still coalesced into one fsync by the WAL writer. A host processing
 * many groups per loop turn should prefer building one LogWriteBatch itself.
 *
 * Semantics follow etcd's MemoryStorage (and ../memory-storage.ts): compact(i) keeps term(i) as
 * the base; applySnapshot replaces the log; append replaces a conflicting suffix.
 */
export class RaftGroupLog implements Storage {
  constructor(
    readonly groupId: number,
    private readonly host: GroupLogHost,
  ) {}

  private get s(): GroupState {
    return this.host.state(this.groupId);
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    const s = this.s;
    return { hardState: { ...s.hardState }, confState: s.snapshot.index > 0 ? s.snapshot.confState : emptyConfState() };
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    const log = this.s.log;
    if (lo <= log.base.index) throw ErrCompacted;
    if (hi > log.lastIndex() + 1) throw ErrUnavailable;
    if (lo >= hi) return [];
    return readEntries(log, lo, hi, maxBytes, this.host.readers, this.host.cache);
  }

  term(i: number): number {
    const log = this.s.log;
    if (i < log.base.index) throw ErrCompacted;
    if (i > log.lastIndex()) throw ErrUnavailable;
    return i === log.base.index ? log.base.term : log.at(i).term;
  }

  firstIndex(): number {
    return this.s.log.firstIndex();
  }

  lastIndex(): number {
    return this.s.log.lastIndex();
  }

  /** Loads (and verifies) the current snapshot file; empty if the group never had one. */
  snapshot(): Snapshot {
    const meta = this.s.snapshot;
    if (meta.index === 0) return emptySnapshot();
    return this.host.snapshots.readSync(this.groupId, meta.index);
  }

  hardState(): HardState {
    return { ...this.s.hardState };
  }

  append(entries: readonly Entry[]): Promise<void> {
    return this.host.write(new LogWriteBatch().append(this.groupId, entries));
  }

  setHardState(hs: HardState): Promise<void> {
    return this.host.write(new LogWriteBatch().setHardState(this.groupId, hs));
  }

  /** Discards entries before and at compactIndex (term(compactIndex) stays answerable). */
  compact(compactIndex: number): Promise<void> {
    return this.host.write(new LogWriteBatch().compact(this.groupId, compactIndex));
  }

  /** Installs a leader's snapshot: file written atomically, then the log is replaced. */
  applySnapshot(snapshot: Snapshot): Promise<void> {
    return this.host.write(new LogWriteBatch().applySnapshot(this.groupId, snapshot));
  }

  /** Records a snapshot of the local state machine at index i (<= applied), keeping the log. */
  async createSnapshot(i: number, cs: ConfState | undefined, data: Uint8Array): Promise<Snapshot> {
    const snapshot: Snapshot = { metadata: { index: i, term: this.term(i), confState: cs ?? emptyConfState() }, data };
    await this.host.write(new LogWriteBatch().recordSnapshot(this.groupId, snapshot));
    return snapshot;
  }
}
