import type { Entry, HardState } from '../../types';

/**
 * The simplest possible model of one group's log, for property tests: a base (index, term) and
 * an array of entries. Same semantics as etcd's MemoryStorage, written independently.
 */
export class ReferenceLog {
  baseIndex = 0;
  baseTerm = 0;
  entries: Entry[] = [];
  hardState: HardState = { term: 0, vote: 0, commit: 0 };
  snapshotIndex = 0;

  lastIndex(): number {
    return this.baseIndex + this.entries.length;
  }

  term(i: number): number {
    return i === this.baseIndex ? this.baseTerm : this.entries[i - this.baseIndex - 1].term;
  }

  /** Returns false where the real log must reject the append (a gap). */
  canAppend(first: number): boolean {
    return first <= this.lastIndex() + 1;
  }

  append(ents: Entry[]): void {
    const kept = ents.filter((e) => e.index > this.baseIndex);
    if (kept.length === 0) return;
    this.entries = this.entries.slice(0, kept[0].index - this.baseIndex - 1).concat(kept);
  }

  compact(i: number): void {
    this.baseTerm = this.term(i);
    this.entries = this.entries.slice(i - this.baseIndex);
    this.baseIndex = i;
  }

  installSnapshot(index: number, term: number): void {
    this.baseIndex = index;
    this.baseTerm = term;
    this.entries = [];
    this.snapshotIndex = index;
  }
}
