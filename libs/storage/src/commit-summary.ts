import type { Transaction } from 'lmdb';
import type { StorageEnv } from './lmdb-env';

/**
 * What a region's stored versions look like as a whole, kept so that scans over the version-less
 * indexes can skip reading versions (DESIGN.md "MVCC"):
 *   commitSummary: region (8) → newest commit ts (u64 BE) | tombstones (u8, 1 = some may be stored)
 *   tombstoned:    region (8) | term ids in s p o [g] order → 1, for every quad that has a
 *                  tombstone version (derived from the versions: not in snapshots)
 * Written in the same transaction as the versions they describe. The summary may overstate (a
 * larger ts, tombstones that gc has since removed): that only sends scans to a slower exact path.
 */
export interface CommitSummary {
  newestTs: bigint;
  tombstones: boolean;
}

const SUMMARY_SIZE = 9;

export function readCommitSummary(env: StorageEnv, region: Buffer, txn?: Transaction): CommitSummary | undefined {
  const value = env.commitSummary.getEntry(region, txn === undefined ? undefined : { transaction: txn })?.value;
  if (value === undefined || value.length !== SUMMARY_SIZE) return undefined;
  return { newestTs: value.readBigUInt64BE(0), tombstones: value[8] !== 0 };
}

export function commitSummaryValue(summary: CommitSummary): Buffer {
  const out = Buffer.alloc(SUMMARY_SIZE);
  out.writeBigUInt64BE(summary.newestTs, 0);
  out[8] = summary.tombstones ? 1 : 0;
  return out;
}

/** The summary after adding versions up to `newestTs`, with or without tombstones. */
export function withCommits(summary: CommitSummary | undefined, newestTs: bigint, tombstones: boolean): CommitSummary {
  if (summary === undefined) return { newestTs, tombstones };
  return { newestTs: summary.newestTs > newestTs ? summary.newestTs : newestTs, tombstones: summary.tombstones || tombstones };
}

/** The value of a tombstone marker (the key says everything). */
export const TOMBSTONE_MARK = Buffer.from([1]);

/**
 * How a scan over a version-less index decides that a listed quad is visible at `readTs`:
 * - `all`: no tombstone is stored, so each listed quad's newest version is an insert, and none
 *   is newer than `readTs`;
 * - `unlessTombstoned`: the same, except for the quads with a tombstone marker, whose versions
 *   are read;
 * - `versions`: the region has versions newer than `readTs` (or no summary): every listed
 *   quad's versions are read.
 * This is what the summary alone says; the store's in-memory recent-inserts log and marker Set
 * (region-read-cache.ts) narrow `versions` and `unlessTombstoned` down to the listed quads.
 */
export type ListedVisibility = 'all' | 'unlessTombstoned' | 'versions';

export function listedVisibility(summary: CommitSummary | undefined, readTs: bigint): ListedVisibility {
  if (summary === undefined || readTs < summary.newestTs) return 'versions';
  return summary.tombstones ? 'unlessTombstoned' : 'all';
}
