import { RaftError } from './errors';
import { limitSize, NO_LIMIT } from './limit-size';
import type { Logger } from './logger';
import type { Storage } from './storage';
import { Unstable } from './unstable';
import type { Entry, Snapshot } from './types';

function isStorageGap(e: unknown): boolean {
  return e instanceof RaftError && (e.code === 'ErrCompacted' || e.code === 'ErrUnavailable');
}

/** maybeAppend's answer to entries that would overwrite committed ones. */
export const CONFLICTS_WITH_COMMITTED = -1;

/**
 * The node's view of the log: durable entries in Storage followed by the unstable tail.
 * Invariant: applied <= committed <= lastIndex().
 */
export class RaftLog {
  readonly unstable: Unstable;
  /** Highest index known to be stored on a quorum. */
  committed: number;
  /** Highest index handed to the application for applying (acknowledged by advance()). */
  applied: number;

  constructor(
    readonly storage: Storage,
    private readonly logger: Logger,
    /** Byte budget for committed entries returned in one Ready. */
    readonly maxNextEntsSize: number = NO_LIMIT,
  ) {
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new Unstable(last + 1);
    // Everything up to the snapshot is committed and applied by construction.
    this.committed = first - 1;
    this.applied = first - 1;
  }

  toString(): string {
    return `committed=${this.committed}, applied=${this.applied}, unstable.offset=${this.unstable.offset}, len(unstable.entries)=${this.unstable.entries.length}`;
  }

  /**
   * Appends ents from a leader's MsgApp whose previous entry is (index, logTerm), if that
   * previous entry matches ours. Returns the index of the last new entry, undefined on
   * mismatch (the caller rejects with a hint), or CONFLICTS_WITH_COMMITTED.
   */
  maybeAppend(index: number, logTerm: number, committed: number, ents: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const ci = this.findConflict(ents);
    if (ci !== 0) {
      if (ci <= this.committed) {
        // Impossible from a correct leader; refuse instead of corrupting committed state.
        this.logger.error(`entry ${ci} conflict with committed entry [committed(${this.committed})]; ignoring append`);
        return CONFLICTS_WITH_COMMITTED;
      }
      this.append(ents.slice(ci - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(ents: readonly Entry[]): number {
    if (ents.length === 0) return this.lastIndex();
    const after = ents[0].index - 1;
    if (after < this.committed) {
      throw new Error(`after(${after}) is out of range [committed(${this.committed})]`);
    }
    this.unstable.truncateAndAppend(ents);
    return this.lastIndex();
  }

  /**
   * Index of the first entry of ents that is not in our log with the same term (a conflict, or
   * simply new), or 0 if all of ents are already present. ents must be contiguous.
   */
  findConflict(ents: readonly Entry[]): number {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) {
        if (e.index <= this.lastIndex()) {
          this.logger.info(`found conflict at index ${e.index} [existing term: ${this.zeroTermOnOutOfRange(e.index)}, conflicting term: ${e.term}]`);
        }
        return e.index;
      }
    }
    return 0;
  }

  /**
   * Fast backoff: the largest index <= `index` whose term is <= `term`, with that term. A leader
   * uses it on a rejection hint (index=hint, term=hint's term) to skip a whole term of
   * conflicting entries in one round trip instead of one entry at a time; a follower uses it to
   * compute the hint it sends back.
   */
  findConflictByTerm(index: number, term: number): { index: number; term: number } {
    for (; index > 0; index--) {
      const t = this.term(index);
      if (t === undefined) return { index, term: 0 }; // compacted/unknown: stop here
      if (t <= term) return { index, term: t };
    }
    return { index: 0, term: 0 };
  }

  /**
   * The unstable entries, as a new array: the unstable log appends in place, and the array
   * handed to the host in a Ready must not grow while the host persists it.
   */
  unstableEntries(): Entry[] {
    return this.unstable.entries.length === 0 ? [] : this.unstable.entries.slice();
  }

  /** Committed entries ready to apply (bounded by maxNextEntsSize). */
  nextEnts(): Entry[] {
    const off = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 > off) {
      return this.slice(off, this.committed + 1, this.maxNextEntsSize) ?? [];
    }
    return [];
  }

  hasNextEnts(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined && this.unstable.snapshot.metadata.index !== 0;
  }

  /** Snapshot to send to a lagging follower (pending incoming one first, else storage's). */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  commitTo(toCommit: number): void {
    // Never decrease commit (a stale leader message may carry a lower one).
    if (this.committed < toCommit) {
      if (this.lastIndex() < toCommit) {
        throw new Error(`tocommit(${toCommit}) is out of range [lastIndex(${this.lastIndex()})]`);
      }
      this.committed = toCommit;
    }
  }

  appliedTo(i: number): void {
    if (i === 0) return;
    if (this.committed < i || i < this.applied) {
      throw new Error(`applied(${i}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`);
    }
    this.applied = i;
  }

  stableTo(i: number, t: number): void {
    this.unstable.stableTo(i, t);
  }

  stableSnapTo(i: number): void {
    this.unstable.stableSnapTo(i);
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    if (t === undefined) throw new Error('unexpected error when getting the last term');
    return t;
  }

  /**
   * Term of entry i, or undefined if it is compacted or beyond the last index. The valid range
   * is [firstIndex()-1, lastIndex()]: the entry just before the first is the snapshot's.
   */
  term(i: number): number | undefined {
    const dummy = this.firstIndex() - 1;
    if (i < dummy || i > this.lastIndex()) return undefined;
    const ut = this.unstable.maybeTerm(i);
    if (ut !== undefined) return ut;
    try {
      return this.storage.term(i);
    } catch (e) {
      if (isStorageGap(e)) return undefined;
      throw e;
    }
  }

  zeroTermOnOutOfRange(i: number): number {
    return this.term(i) ?? 0;
  }

  matchTerm(i: number, t: number): boolean {
    return this.term(i) === t;
  }

  /** Entries from i on, limited to maxBytes; undefined if i is compacted. */
  entries(i: number, maxBytes: number): Entry[] | undefined {
    if (i > this.lastIndex()) return [];
    return this.slice(i, this.lastIndex() + 1, maxBytes);
  }

  allEntries(): Entry[] {
    const ents = this.entries(this.firstIndex(), NO_LIMIT);
    if (ents === undefined) return this.allEntries(); // compaction raced with us; retry
    return ents;
  }

  /** Raft §5.4.1: is a candidate's log (lasti, term) at least as up to date as ours? */
  isUpToDate(lasti: number, term: number): boolean {
    const lt = this.lastTerm();
    return term > lt || (term === lt && lasti >= this.lastIndex());
  }

  /** Leader: commit maxIndex if it is of the current term (Raft §5.4.2). */
  maybeCommit(maxIndex: number, term: number): boolean {
    if (maxIndex > this.committed && this.zeroTermOnOutOfRange(maxIndex) === term) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  restore(s: Snapshot): void {
    this.logger.info(`log [${this.toString()}] starts to restore snapshot [index: ${s.metadata.index}, term: ${s.metadata.term}]`);
    this.committed = s.metadata.index;
    this.unstable.restore(s);
  }

  /** Entries [lo, hi) limited to maxBytes; undefined if lo is compacted. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] | undefined {
    if (lo > hi) throw new Error(`invalid slice ${lo} > ${hi}`);
    const fi = this.firstIndex();
    if (lo < fi) return undefined;
    const length = this.lastIndex() + 1 - fi;
    if (hi > fi + length) throw new Error(`slice[${lo},${hi}) out of bound [${fi},${this.lastIndex()}]`);
    if (lo === hi) return [];
    let ents: Entry[] = [];
    const off = this.unstable.offset;
    if (lo < off) {
      let stored: Entry[];
      try {
        stored = this.storage.entries(lo, Math.min(hi, off), maxBytes);
      } catch (e) {
        if (e instanceof RaftError && e.code === 'ErrCompacted') return undefined;
        throw e;
      }
      // Storage hit the size limit: do not add unstable entries.
      if (stored.length < Math.min(hi, off) - lo) return stored;
      ents = stored;
    }
    if (hi > off) {
      const u = this.unstable.slice(Math.max(lo, off), hi);
      ents = ents.length > 0 ? ents.concat(u) : u;
    }
    return limitSize(ents, maxBytes);
  }
}
