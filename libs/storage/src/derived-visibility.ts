import type { Transaction } from 'lmdb';
import type { StorageEnv } from './lmdb-env';
import type { RawEntry } from './part-entries';
import { INDEX_KEY_SIZE, INDEX_TERM_SIZE, versionIndexOf, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, isInsertVersion, readU32, versionAtMost, type VersionLimit } from './keys';
import { quadHash, type QuadHash } from './recent-inserts';

/**
 * How a scan over a version-less index decides that an entry is visible (region-read-cache.ts):
 * - `all`: every entry is (commit-summary.ts `listedVisibility`);
 * - `versions`: read every entry's versions;
 * - `listed`: read the versions of the quads in `recent` (inserted after the read) and of the
 *   tombstoned ones (`markers`: in memory, or 'stored' for a lookup in the `tombstoned` table);
 *   every other entry is visible.
 */
export type EntryCheck =
  { kind: 'all' } | { kind: 'versions' } | { kind: 'listed'; recent: Set<QuadHash> | undefined; markers: Set<QuadHash> | 'stored' | undefined };

/** Where one term of the version index's key or value is found in an entry of another index. */
interface TermSource {
  inKey: boolean;
  offset: number;
}

/**
 * MVCC filter over a version-less index (every index but dspo and spog). Its entries name the
 * quads that have an insert version; a quad is visible at the read limit when the newest of its
 * versions at or below the limit, read from the family's subject-first index, is an insert.
 * `check` says which entries need their versions read (one duplicate-range read each, about
 * 7–10 µs in lmdb-js): every one, or those the recent-inserts log or the tombstone markers list
 * (a Set lookup, or a point lookup in the `tombstoned` table, about 1 µs). Versions and stored
 * markers are read in the caller's transaction, from the same snapshot as the entries; the
 * in-memory sets may list more quads than that snapshot holds, which only costs a read.
 * (A forward pass over the subject-first index for a sorted chunk of entries was tried for
 * the `versions` check: on LUBM it was slower, because a chunk's subjects are spread over the region.)
 */
export function* visibleQuads(
  env: StorageEnv,
  spec: IndexSpec,
  region: Buffer,
  entries: Iterable<RawEntry>,
  limit: VersionLimit,
  txn: Transaction,
  check: Exclude<EntryCheck, { kind: 'all' }>,
): Generator<RawEntry> {
  const listed = check.kind === 'listed' ? check : undefined;
  const recent = listed?.recent !== undefined && listed.recent.size > 0 ? listed.recent : undefined;
  const markers = listed?.markers;
  const markerSet = markers !== undefined && markers !== 'stored' ? markers : undefined;
  const hashed = recent !== undefined || markerSet !== undefined;
  const versions = versionIndexOf(spec);
  const db = env.indexes.get(versions)!;
  const sources: TermSource[] = versions.order.map((position) => {
    const k = spec.order.indexOf(position);
    return k === 0 ? { inKey: true, offset: REGION_PREFIX_SIZE } : { inKey: false, offset: (k - 1) * INDEX_TERM_SIZE };
  });
  // region | the quad's terms in the version index's order: its key, then its value's terms
  const quad = Buffer.alloc(INDEX_KEY_SIZE + versions.valueTermsSize);
  region.copy(quad, 0);
  const key = quad.subarray(0, INDEX_KEY_SIZE);
  // every version of the quad: its terms, then versions 00…00 to FF…FF (the end is exclusive and
  // one byte longer, so it is above the all-FF version too)
  const start = Buffer.alloc(versions.valueSize, 0);
  const end = Buffer.alloc(versions.valueSize + 1, 0xff);
  const options = { start, end, transaction: txn };
  const markerOptions = { transaction: txn };
  // the quad's term ids in s p o [g] order (g 0 in the default graph), for its hash
  const ids = [0, 0, 0, 0];
  for (const entry of entries) {
    // listed in memory (hashes: a collision only costs a read), or to be looked up in LMDB
    let listedInMemory = false;
    if (hashed) {
      // ids read in JS: a Buffer copy or toString per entry would cost more than the Set lookup
      for (let k = 0; k < sources.length; k++) ids[k] = readU32(sources[k].inKey ? entry.key : entry.value, sources[k].offset);
      const hash = quadHash(ids[0], ids[1], ids[2], ids[3]);
      listedInMemory = (recent !== undefined && recent.has(hash)) || (markerSet !== undefined && markerSet.has(hash));
    }
    if (listed !== undefined && !listedInMemory && markers !== 'stored') {
      yield entry;
      continue;
    }
    for (let k = 0; k < sources.length; k++) {
      const { inKey, offset } = sources[k];
      (inKey ? entry.key : entry.value).copy(quad, REGION_PREFIX_SIZE + k * INDEX_TERM_SIZE, offset, offset + INDEX_TERM_SIZE);
    }
    if (listed !== undefined && !listedInMemory && env.tombstoned.getEntry(quad, markerOptions) === undefined) {
      yield entry;
      continue;
    }
    quad.copy(start, 0, INDEX_KEY_SIZE);
    quad.copy(end, 0, INDEX_KEY_SIZE);
    let visible = false;
    // versions ascend: the last one at or below the limit decides
    for (const value of db.getValues(key, options)) {
      if (versionAtMost(value, versions.valueTermsSize, limit)) visible = isInsertVersion(value, versions.valueTermsSize);
    }
    if (visible) yield entry;
  }
}
