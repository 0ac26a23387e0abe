import type { EntryCache } from './entry-cache';
import type { IndexedEntry } from './group-entry-index';
import { GroupState, UNKNOWN_TERM } from './group-state';
import { WalCorruptionError } from './log-errors';
import { RecordType, type RawRecord } from './record-format';
import { decodeCompact, decodeEntries, decodeHardState, decodeSnapshotMarker } from './record-payloads';

/** Applies verified records, in WAL order, to the per-group states. */
export class WalReplayer {
  readonly groups = new Map<number, GroupState>();

  constructor(private readonly cache: EntryCache) {}

  group(groupId: number): GroupState {
    let g = this.groups.get(groupId);
    if (g === undefined) {
      g = new GroupState(groupId, this.cache);
      // Older history may have been deleted by GC: the base is unknown until a record says.
      g.log.base = { index: 0, term: UNKNOWN_TERM };
      this.groups.set(groupId, g);
    }
    return g;
  }

  apply(record: RawRecord, seg: number): void {
    if (record.type === RecordType.BatchEnd) return;
    if (record.type === RecordType.Destroy) {
      this.groups.delete(record.groupId);
      return;
    }
    const g = this.group(record.groupId);
    switch (record.type) {
      case RecordType.Entries: {
        const decoded = decodeEntries(record.payload, record.payloadOffset);
        const items: IndexedEntry[] = decoded.entries.map((e) => ({
          term: e.term,
          type: e.type,
          seg,
          offset: e.dataOffset,
          length: e.length,
          data: undefined,
          cached: false,
        }));
        g.putEntries(decoded.firstIndex, items);
        return;
      }
      case RecordType.HardState:
        g.putHardState(decodeHardState(record.payload), seg);
        return;
      case RecordType.Compact:
        g.putCompact(decodeCompact(record.payload), seg);
        return;
      case RecordType.Snapshot:
        g.putSnapshot(decodeSnapshotMarker(record.payload), seg);
        return;
    }
  }

  /** After the last record: every group must have a fully known log shape. */
  checkConsistent(dir: string): void {
    for (const g of this.groups.values()) {
      // Entries from index 1 on: the group's whole history is here.
      if (g.log.base.index === 0 && g.log.base.term === UNKNOWN_TERM) g.log.base = { index: 0, term: 0 };
      const problem =
        g.log.base.term === UNKNOWN_TERM
          ? `entries start at ${g.log.firstIndex()} but no compaction marker covers the entries before them`
          : g.log.firstHole() !== undefined
            ? `entry ${g.log.firstHole()} is missing`
            : undefined;
      if (problem !== undefined) {
        throw new WalCorruptionError(dir, 0, `group ${g.groupId}: ${problem} (a segment is missing?)`);
      }
    }
  }
}
