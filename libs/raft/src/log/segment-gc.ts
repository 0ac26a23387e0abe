import { applyEntries } from './batch-applier';
import type { EntryCache } from './entry-cache';
import { readEntries } from './entry-reader';
import type { IndexedEntry } from './group-entry-index';
import { hasMetadataBelow, type GroupState } from './group-state';
import { encodeCompact, encodeHardState, encodeSnapshotMarker } from './record-payloads';
import type { SegmentReaders } from './segment-readers';
import type { WalWriter } from './wal-writer';

/**
 * Segment garbage collection.
 *
 * 1. Cutoff: segments below it are deleted. Entries of a group are written in index order, so
 *    the segment of its first live entry bounds all of its live entries; a segment older than
 *    every group's first live entry holds only dead (compacted or truncated) entries.
 * 2. Groups pinning old segments with few live bytes (idle groups, typical in multi-Raft) have
 *    their live entries re-written into the active segment, within per-group and per-run byte
 *    budgets, oldest pinning group first; a group over budget stops the cutoff at its segment.
 * 3. Older segments may also hold a group's newest HardState / Compact / Snapshot record; those
 *    small records are re-written too. All rewrites form one batch (one fsync) before any file
 *    is deleted, so replaying the remaining segments rebuilds the same state.
 */
export interface GcBudget {
  /** A group whose live entries exceed this is never moved (it pins its segments). */
  maxGroupBytes: number;
  /** Bytes of entries moved per GC run at most. */
  maxTotalBytes: number;
}

export interface GcPlan {
  cutoff: number;
  /** Groups whose live entries will be re-written to the active segment. */
  moves: GroupState[];
}

/** Encoded-size estimate used for the budgets (data + per-entry header). */
function liveBytesUpTo(g: GroupState, limit: number): number {
  let bytes = 0;
  for (let i = g.log.firstIndex(); i <= g.log.lastIndex() && bytes <= limit; i++) bytes += g.log.at(i).length + 13;
  return bytes;
}

export function planGc(groups: Iterable<GroupState>, activeSeg: number, budget: GcBudget): GcPlan {
  const pinning: { g: GroupState; seg: number }[] = [];
  for (const g of groups) {
    const seg = g.log.oldestSegment();
    if (seg !== undefined && seg < activeSeg) pinning.push({ g, seg });
  }
  pinning.sort((a, b) => a.seg - b.seg);
  let cutoff = activeSeg;
  let total = 0;
  const candidates: { g: GroupState; seg: number }[] = [];
  for (const p of pinning) {
    const bytes = liveBytesUpTo(p.g, budget.maxGroupBytes);
    if (bytes > budget.maxGroupBytes || total + bytes > budget.maxTotalBytes) {
      cutoff = p.seg;
      break;
    }
    total += bytes;
    candidates.push(p);
  }
  // Moving a group whose oldest entry is in the cutoff segment itself would free nothing.
  return { cutoff, moves: candidates.filter((p) => p.seg < cutoff).map((p) => p.g) };
}

export interface GcRewrite {
  metadataGroups: number;
  pinned: IndexedEntry[];
}

/** Reserves, as one batch, the moved entries and the metadata records living below the cutoff. */
export function reserveGcRewrite(groups: Iterable<GroupState>, plan: GcPlan, writer: WalWriter, readers: SegmentReaders, cache: EntryCache): GcRewrite {
  const result: GcRewrite = { metadataGroups: 0, pinned: [] };
  writer.beginBatch();
  for (const g of groups) {
    if (!hasMetadataBelow(g, plan.cutoff)) continue;
    result.metadataGroups++;
    if (g.snapshot.index > 0) {
      // Recorded, not installed: the log shape is restored by the Compact record that follows.
      const marker = { metadata: g.snapshot, installed: false };
      g.putSnapshot(marker, writer.reserve(encodeSnapshotMarker(g.groupId, marker)).seg);
    }
    if (g.log.base.index > 0) g.putCompact(g.log.base, writer.reserve(encodeCompact(g.groupId, g.log.base)).seg);
    if (g.hardStateSeg !== undefined) g.putHardState(g.hardState, writer.reserve(encodeHardState(g.groupId, g.hardState)).seg);
  }
  for (const g of plan.moves) {
    // Same indexes, terms and bytes at a new location: replay's truncate-and-append semantics
    // make the copy replace the originals.
    const entries = readEntries(g.log, g.log.firstIndex(), g.log.lastIndex() + 1, Number.MAX_SAFE_INTEGER, readers, cache);
    applyEntries(g, entries, writer, result.pinned);
  }
  writer.endBatch();
  return result;
}
