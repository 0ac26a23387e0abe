import type { ConfState, Entry, HardState, Snapshot } from './types';

/**
 * What the Raft core reads from durable storage. Implemented by MemoryStorage (tests,
 * simulation) and by the on-disk log in ./log (segmented files).
 *
 * Contract (same as etcd's raft.Storage):
 * - The log held by storage is contiguous: entries (firstIndex()..lastIndex()) plus, just below
 *   firstIndex(), the index/term of the latest snapshot (so term(firstIndex()-1) must answer).
 * - Errors are signalled by throwing the RaftError values of ../errors:
 *   ErrCompacted when asked for anything below the retained range, ErrUnavailable when asked
 *   beyond lastIndex(), ErrSnapshotTemporarilyUnavailable from snapshot() when a snapshot is
 *   being prepared. Anything else thrown is treated as fatal by the core.
 * - Methods are synchronous: the core is a pure state machine. An on-disk implementation keeps
 *   an in-memory index (and usually a cache of recent entries) so these are cheap; writes are
 *   done by the host from Ready, never by the core.
 * - Returned arrays/objects must not be mutated later by storage (the core may keep them).
 */
export interface Storage {
  /** Saved HardState and ConfState, read once when a node starts. */
  initialState(): { hardState: HardState; confState: ConfState };
  /**
   * Entries in [lo, hi). The total size is limited to maxBytes, but at least one entry is
   * returned if any is in range. Throws ErrCompacted if lo <= the snapshot index.
   */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of entry i, for i in [firstIndex()-1, lastIndex()]. */
  term(i: number): number;
  /** Index of the last entry (or the snapshot index when the log is empty). */
  lastIndex(): number;
  /** Index of the first retained entry (snapshot index + 1). */
  firstIndex(): number;
  /** Most recent snapshot; used to catch up followers behind the compacted log. */
  snapshot(): Snapshot;
}
