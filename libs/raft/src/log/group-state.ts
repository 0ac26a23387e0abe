import { emptySnapshot, type HardState, type SnapshotMetadata } from '../types';
import type { EntryCache } from './entry-cache';
import { GroupEntryIndex, type IndexedEntry } from './group-entry-index';
import type { LogBase, SnapshotMarker } from './record-payloads';

/** Base term not yet known during replay (a gap left by deleted segments, see README). */
export const UNKNOWN_TERM = -1;

/**
 * Everything the engine knows about one group, and the state transitions shared by the live
 * write path and recovery replay, so both derive the same state from the same records.
 *
 * The transitions are lenient (they accept gaps and stale markers) because replay may start in
 * the middle of a group's history after segment GC; the live path validates strictly before
 * calling them (see batch-validation.ts).
 */
export class GroupState {
  readonly log: GroupEntryIndex;
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  snapshot: SnapshotMetadata = emptySnapshot().metadata;
  /** Segment of the newest HardState record, if any (GC must not delete it unrewritten). */
  hardStateSeg: number | undefined;
  /** Segment of the record that set the log base (Compact, or an installed Snapshot). */
  baseSeg: number | undefined;
  /** Segment of the newest Snapshot record. */
  snapshotSeg: number | undefined;

  constructor(
    readonly groupId: number,
    cache: EntryCache,
  ) {
    this.log = new GroupEntryIndex(cache);
  }

  /**
   * Entries record: replaces everything from `firstIndex` on (conflicting suffix removal).
   * The live path only ever appends at or below lastIndex()+1 above the base; the other cases
   * arise in replay after GC deleted older segments (see README, "Garbage collection").
   */
  putEntries(firstIndex: number, entries: IndexedEntry[]): void {
    const log = this.log;
    const provisional = log.base.term === UNKNOWN_TERM;
    let skip = 0;
    if (firstIndex <= log.base.index) {
      if (provisional) {
        // Nothing below a provisional base is known; truncation at firstIndex drops it all.
        log.resetTo({ index: firstIndex - 1, term: UNKNOWN_TERM });
      } else {
        // Entries at or below a known base are already compacted/snapshotted away.
        skip = log.base.index - firstIndex + 1;
      }
    } else if (firstIndex > log.lastIndex() + 1) {
      // Replay only: the entries in between were written in segments deleted by GC, so they
      // are dead; later records must cover them (a Compact, or entries filling the holes).
      if (provisional) log.resetTo({ index: firstIndex - 1, term: UNKNOWN_TERM });
      else log.pushHolesUpTo(firstIndex - 1);
    } else {
      log.truncateFrom(firstIndex);
    }
    for (let k = skip; k < entries.length; k++) log.push(entries[k]);
  }

  putHardState(hs: HardState, seg: number): void {
    this.hardState = { term: hs.term, vote: hs.vote, commit: hs.commit };
    this.hardStateSeg = seg;
  }

  putCompact(base: LogBase, seg: number): void {
    const log = this.log;
    if (log.base.term === UNKNOWN_TERM && base.index <= log.base.index) {
      // Replay only: a known base under a provisional one; entries between them are holes that
      // later records of the replay must fill (checked at the end of recovery).
      log.prependHoles(base);
    } else {
      log.compactTo(base);
    }
    this.baseSeg = seg;
  }

  putSnapshot(marker: SnapshotMarker, seg: number): void {
    const meta = marker.metadata;
    if (meta.index >= this.snapshot.index) this.snapshot = meta;
    if (marker.installed) {
      this.log.resetTo({ index: meta.index, term: meta.term });
      this.baseSeg = seg;
    }
    this.snapshotSeg = seg;
  }
}

/** Whether some record defining g's current state lives in a segment older than `seg`. */
export function hasMetadataBelow(g: GroupState, seg: number): boolean {
  const below = (s: number | undefined): boolean => s !== undefined && s < seg;
  return below(g.hardStateSeg) || below(g.baseSeg) || below(g.snapshotSeg);
}
