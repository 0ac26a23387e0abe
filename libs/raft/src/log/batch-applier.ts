import type { Entry } from '../types';
import type { IndexedEntry } from './group-entry-index';
import type { GroupState } from './group-state';
import type { LogOp } from './log-write-batch';
import { encodeCompact, encodeDestroy, encodeEntries, encodeHardState, encodeSnapshotMarker } from './record-payloads';
import type { WalWriter } from './wal-writer';

/** What must happen once the batch is durable. */
export interface AppliedBatch {
  /** Entries pinned in memory until their bytes are on disk. */
  pinned: IndexedEntry[];
  /** Snapshot files superseded (or orphaned by a destroy) in this batch (deleted after it is durable). */
  supersededSnapshots: { groupId: number; index: number }[];
}

/** The engine's group table as the applier sees it. */
export interface GroupTable {
  /** The group's state, created empty if it has none. */
  stateOf(groupId: number): GroupState;
  /** Removes the group's state (a destroy); the next stateOf starts afresh. */
  forget(groupId: number): void;
}

/**
 * Applies validated ops to the in-memory group states and reserves their WAL records, in op
 * order, synchronously: memory and the WAL see the same sequence, and reads immediately
 * observe the new state (pinned data stands in for the bytes still being written).
 */
export function applyBatch(ops: readonly LogOp[], groups: GroupTable, writer: WalWriter): AppliedBatch {
  const result: AppliedBatch = { pinned: [], supersededSnapshots: [] };
  writer.beginBatch();
  for (const op of ops) {
    const g = groups.stateOf(op.groupId);
    switch (op.kind) {
      case 'entries':
        applyEntries(g, op.entries, writer, result.pinned);
        break;
      case 'hardState':
        g.putHardState(op.hardState, writer.reserve(encodeHardState(g.groupId, op.hardState)).seg);
        break;
      case 'compact': {
        const base = { index: op.index, term: g.log.at(op.index).term };
        g.putCompact(base, writer.reserve(encodeCompact(g.groupId, base)).seg);
        break;
      }
      case 'snapshot': {
        const previous = g.snapshot.index;
        const marker = { metadata: op.snapshot.metadata, installed: op.installed };
        g.putSnapshot(marker, writer.reserve(encodeSnapshotMarker(g.groupId, marker)).seg);
        if (previous > 0) result.supersededSnapshots.push({ groupId: g.groupId, index: previous });
        break;
      }
      case 'destroy':
        writer.reserve(encodeDestroy(g.groupId));
        // Cached and pinned payloads are freed; pinned ones are then never admitted.
        g.log.resetTo({ index: 0, term: 0 });
        if (g.snapshot.index > 0) result.supersededSnapshots.push({ groupId: g.groupId, index: g.snapshot.index });
        groups.forget(g.groupId);
        break;
    }
  }
  writer.endBatch();
  return result;
}

/** Reserves an Entries record for `entries` and indexes them, pinned until durable. */
export function applyEntries(g: GroupState, entries: readonly Entry[], writer: WalWriter, pinned: IndexedEntry[]): void {
  // Entries at or below the base are already covered by compaction/snapshot: never write them.
  const skip = Math.max(0, g.log.base.index + 1 - entries[0].index);
  if (skip >= entries.length) return;
  const live = skip > 0 ? entries.slice(skip) : entries;
  const encoded = encodeEntries(g.groupId, live);
  const loc = writer.reserve(encoded.record);
  const items: IndexedEntry[] = live.map((e, k) => ({
    term: e.term,
    type: e.type,
    seg: loc.seg,
    offset: loc.offset + encoded.dataOffsets[k],
    length: e.data.length,
    data: e.data,
    cached: false,
  }));
  g.putEntries(live[0].index, items);
  for (const item of items) pinned.push(item);
}
