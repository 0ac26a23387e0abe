import type { Transaction } from 'lmdb';
import type { StorageEnv } from './lmdb-env';
import type { RawEntry } from './part-entries';
import { INDEX_KEY_SIZE, INDEX_TERM_SIZE, versionIndexOf, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, isInsertVersion, versionAtMost, type VersionLimit } from './keys';

/** Where one term of the version index's key or value is found in an entry of another index. */
interface TermSource {
  inKey: boolean;
  offset: number;
}

/**
 * MVCC filter over a version-less index (every index but dspo and spog). Its entries name the
 * quads that have an insert version; a quad is visible at the read limit when the newest of its
 * versions at or below the limit, read from the family's subject-first index, is an insert.
 * With `readAll` every entry's versions are read (one duplicate-range read each, about 7–10 µs
 * in lmdb-js); otherwise only those of the quads with a tombstone marker (a point lookup per
 * entry, about 1 µs), the others being visible (commit-summary.ts). Everything is read in the
 * caller's transaction, so versions and markers come from the same snapshot as the entries.
 * (A forward pass over the subject-first index for a sorted chunk of entries was tried for
 * `readAll`: on LUBM it was slower, because a chunk's subjects are spread over the region.)
 */
export function* visibleQuads(
  env: StorageEnv,
  spec: IndexSpec,
  region: Buffer,
  entries: Iterable<RawEntry>,
  limit: VersionLimit,
  txn: Transaction,
  readAll: boolean,
): Generator<RawEntry> {
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
  for (const entry of entries) {
    for (let k = 0; k < sources.length; k++) {
      const { inKey, offset } = sources[k];
      (inKey ? entry.key : entry.value).copy(quad, REGION_PREFIX_SIZE + k * INDEX_TERM_SIZE, offset, offset + INDEX_TERM_SIZE);
    }
    if (!readAll && env.tombstoned.getEntry(quad, markerOptions) === undefined) {
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
