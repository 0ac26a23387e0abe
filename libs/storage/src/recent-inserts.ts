import { INDEX_TERM_SIZE } from './index-layout';
import { readU32 } from './keys';

/**
 * A 30-bit hash of a quad's term ids (s, p, o, and g or 0 in the default graph): a small integer,
 * which a `Set` holds and finds faster than a string or buffer key. The sets of quads whose
 * versions a scan must read hold hashes, so a collision only makes a scan read one more quad's
 * versions (about 1 in 1,000 with a million quads listed): exact in every case.
 */
export type QuadHash = number;

export function quadHash(s: number, p: number, o: number, g: number): QuadHash {
  let h = Math.imul(s ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15) ^ p, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ o, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16) ^ g, 0x165667b1);
  return (h ^ (h >>> 15)) >>> 2;
}

/** The hash of the quad whose term ids (s p o [g], 4 bytes each) are at `offset`. */
export function quadHashAt(bytes: Uint8Array, offset: number, width: number): QuadHash {
  const g = width > 3 * INDEX_TERM_SIZE ? readU32(bytes, offset + 3 * INDEX_TERM_SIZE) : 0;
  return quadHash(readU32(bytes, offset), readU32(bytes, offset + INDEX_TERM_SIZE), readU32(bytes, offset + 2 * INDEX_TERM_SIZE), g);
}

/** Quads of one applied commit, packed: term ids in s p o [g] order, `width` bytes per quad. */
export interface PackedQuads {
  keys: Uint8Array;
  width: number;
}

interface LoggedCommit {
  ts: bigint;
  quads: PackedQuads;
}

/**
 * In-memory log of the quads a region's recent commits inserted (DESIGN.md "MVCC"), so that a read
 * older than the region's last write reads versions only for those quads instead of for every
 * entry of a version-less index.
 *
 * Invariant: for every `readTs ≥ horizon`, every quad with an entry in the version-less indexes
 * whose insert versions are all newer than `readTs` is in the log under a commit newer than
 * `readTs`. It holds because the log starts with `horizon` = the region's newest commit (every
 * stored version is at or below it), every applied commit is recorded before it commits (so the
 * log may list a commit a reader cannot see yet, never the reverse), and evicting a commit raises
 * `horizon` to its timestamp. Every insert is recorded, not only those that create an entry: with
 * out-of-order applies (a transaction's commit at ts 8 applied after a write at ts 10) the commit
 * that created an entry is not the quad's oldest insert, so a scan reads the versions of the
 * listed quads rather than dropping them, which is exact for any superset.
 */
export class RecentInsertsLog {
  private readonly commits: LoggedCommit[] = [];
  /** Absolute number of the first commit in `commits` (commits evicted so far). */
  private first = 0;
  private quadCount = 0;
  /** The last set built by `insertedAfter`, extended with the commits appended since. */
  private memo: { readTs: bigint; keys: Set<QuadHash>; next: number } | undefined;

  constructor(
    /** The newest commit timestamp the log does not cover. */
    private horizonTs: bigint,
    private readonly maxQuads: number,
  ) {}

  get horizon(): bigint {
    return this.horizonTs;
  }

  get size(): number {
    return this.quadCount;
  }

  /** Records a commit's inserted quads (before the commit is visible to readers). */
  record(ts: bigint, quads: PackedQuads): void {
    const count = quads.keys.length / quads.width;
    if (count === 0) return;
    this.commits.push({ ts, quads });
    this.quadCount += count;
    while (this.quadCount > this.maxQuads && this.commits.length > 0) {
      const evicted = this.commits.shift()!;
      this.first++;
      this.quadCount -= evicted.quads.keys.length / evicted.quads.width;
      if (evicted.ts > this.horizonTs) this.horizonTs = evicted.ts;
    }
  }

  /**
   * The quads inserted by a commit newer than `readTs`, or `undefined` when `readTs` is below the
   * horizon (the log may miss some: the caller reads every entry's versions).
   */
  insertedAfter(readTs: bigint): Set<QuadHash> | undefined {
    if (readTs < this.horizonTs) return undefined;
    if (this.memo === undefined || this.memo.readTs !== readTs) this.memo = { readTs, keys: new Set(), next: this.first };
    const { keys } = this.memo;
    // commits evicted since the memo was built stay in it: a superset is still exact
    for (let n = Math.max(this.memo.next, this.first); n < this.first + this.commits.length; n++) {
      const { ts, quads } = this.commits[n - this.first];
      if (ts <= readTs) continue;
      for (let at = 0; at < quads.keys.length; at += quads.width) keys.add(quadHashAt(quads.keys, at, quads.width));
    }
    this.memo.next = this.first + this.commits.length;
    return keys;
  }
}
