import type { EntryType } from '../types';
import type { CacheSlot, EntryCache } from './entry-cache';
import type { LogBase } from './record-payloads';

/** Term of a placeholder for an entry not yet seen during replay. */
export const HOLE_TERM = -1;

function hole(): IndexedEntry {
  return { term: HOLE_TERM, type: 'normal', seg: -1, offset: 0, length: 0, data: undefined, cached: false };
}

/**
 * Where one entry of a group lives: its term and type (answered without I/O), the segment and
 * file offset of its data, and (maybe) its data in memory. While the write carrying it is in
 * flight its data is pinned: set but not yet admitted to the cache, so it cannot be evicted.
 */
export interface IndexedEntry extends CacheSlot {
  term: number;
  type: EntryType;
  seg: number;
  offset: number;
  length: number;
}

/**
 * The in-memory index of one group's log: a base (index, term) standing for everything
 * compacted or covered by a snapshot, followed by contiguous entries. Mirrors the shape of
 * etcd's MemoryStorage (whose ents[0] is the base) without holding the payloads.
 */
export class GroupEntryIndex {
  base: LogBase = { index: 0, term: 0 };
  /** items[head + k] is entry base.index + 1 + k; head avoids O(n) shifts on compaction. */
  private items: IndexedEntry[] = [];
  private head = 0;

  constructor(private readonly cache: EntryCache) {}

  get count(): number {
    return this.items.length - this.head;
  }

  firstIndex(): number {
    return this.base.index + 1;
  }

  lastIndex(): number {
    return this.base.index + this.count;
  }

  /** Entry at index i, which must be in [firstIndex, lastIndex]. */
  at(i: number): IndexedEntry {
    return this.items[this.head + (i - this.base.index - 1)];
  }

  /** Segment holding the oldest live entry, or undefined if there are none (GC input). */
  oldestSegment(): number | undefined {
    return this.count > 0 ? this.items[this.head].seg : undefined;
  }

  /** Removes entries >= index (a conflicting suffix about to be replaced). */
  truncateFrom(index: number): void {
    const keep = Math.max(0, index - this.base.index - 1);
    if (keep >= this.count) return;
    for (let k = this.head + keep; k < this.items.length; k++) this.cache.release(this.items[k]);
    this.items.length = this.head + keep;
  }

  /** Appends entries that start at lastIndex()+1 (callers truncate first). */
  push(entry: IndexedEntry): void {
    this.items.push(entry);
  }

  /**
   * Discards entries <= base.index, which becomes the new base. A base at or past the end
   * empties the log; an older base than the current one is ignored (replay of rewritten markers).
   */
  compactTo(base: LogBase): void {
    if (base.index >= this.lastIndex()) {
      this.resetTo(base);
      return;
    }
    const drop = base.index - this.base.index;
    if (drop < 0) return;
    for (let k = 0; k < drop; k++) this.cache.release(this.items[this.head + k]);
    this.head += drop;
    this.base = { ...base };
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Replay only: lowers the base to a known one below the current (provisional) base, with
   * placeholder entries (term UNKNOWN) for the indexes in between.
   */
  prependHoles(base: LogBase): void {
    const holes: IndexedEntry[] = [];
    for (let i = base.index + 1; i <= this.base.index; i++) holes.push(hole());
    this.items = holes.concat(this.items.slice(this.head));
    this.head = 0;
    this.base = { ...base };
  }

  /** Replay only: placeholders so that lastIndex() becomes `index`. */
  pushHolesUpTo(index: number): void {
    for (let i = this.lastIndex() + 1; i <= index; i++) this.items.push(hole());
  }

  /** Index of the first placeholder left by replay, if any. */
  firstHole(): number | undefined {
    for (let k = this.head; k < this.items.length; k++) {
      if (this.items[k].term === HOLE_TERM) return this.base.index + 1 + k - this.head;
    }
    return undefined;
  }

  /** Drops every entry; the log now ends at base (snapshot install, or a replay gap). */
  resetTo(base: LogBase): void {
    for (let k = this.head; k < this.items.length; k++) this.cache.release(this.items[k]);
    this.items = [];
    this.head = 0;
    this.base = { ...base };
  }
}
