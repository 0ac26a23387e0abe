import type { Entry, HardState, Snapshot } from '../types';

/** One durable change to one group's log, in the order given to the batch. */
export type LogOp =
  | { kind: 'entries'; groupId: number; entries: readonly Entry[] }
  | { kind: 'hardState'; groupId: number; hardState: HardState }
  | { kind: 'compact'; groupId: number; index: number }
  /** installed: a leader's snapshot replacing the log; otherwise a local snapshot being recorded. */
  | { kind: 'snapshot'; groupId: number; snapshot: Snapshot; installed: boolean }
  /** Forgets the group: its records stop pinning segments; later ops start it afresh. */
  | { kind: 'destroy'; groupId: number };

/**
 * Changes to many groups made durable together by RaftLogEngine.write(): one writev and one
 * fdatasync for the whole batch (plus, for snapshots, their own files written first).
 * A multi-Raft host fills one batch from the Ready of every group it processed in a loop turn.
 */
export class LogWriteBatch {
  readonly ops: LogOp[] = [];
  /** False when nothing in the batch must survive a crash (only a commit index moved). */
  sync = true;

  get isEmpty(): boolean {
    return this.ops.length === 0;
  }

  /** Appends entries, replacing any conflicting suffix (entries at or after the first index). */
  append(groupId: number, entries: readonly Entry[]): this {
    if (entries.length > 0) this.ops.push({ kind: 'entries', groupId, entries });
    return this;
  }

  setHardState(groupId: number, hardState: HardState): this {
    this.ops.push({ kind: 'hardState', groupId, hardState: { ...hardState } });
    return this;
  }

  /** Discards entries up to and including index (etcd MemoryStorage.Compact semantics). */
  compact(groupId: number, index: number): this {
    this.ops.push({ kind: 'compact', groupId, index });
    return this;
  }

  /** Installs a snapshot received from the leader: the log is replaced by the snapshot. */
  applySnapshot(groupId: number, snapshot: Snapshot): this {
    this.ops.push({ kind: 'snapshot', groupId, snapshot, installed: true });
    return this;
  }

  /**
   * Destroys the group's log (a replica moved away or merged): entries, hard state and snapshot
   * are forgotten, and segments holding only its records become garbage, as if it were fully
   * compacted. A restart does not bring it back.
   */
  destroy(groupId: number): this {
    this.ops.push({ kind: 'destroy', groupId });
    return this;
  }

  /** Records a snapshot of the local state machine (log kept; compact separately). */
  recordSnapshot(groupId: number, snapshot: Snapshot): this {
    this.ops.push({ kind: 'snapshot', groupId, snapshot, installed: false });
    return this;
  }
}
