import { describe, expect, it } from 'vitest';
import { ErrCompacted, ErrUnavailable } from './errors';
import { NO_LIMIT } from './limit-size';
import { noopLogger } from './logger';
import { MemoryStorage } from './memory-storage';
import { CONFLICTS_WITH_COMMITTED, RaftLog } from './raft-log';
import { EMPTY_BYTES, emptyConfState, type Entry } from './types';

const ent = (term: number, index: number, data = ''): Entry => ({
  term,
  index,
  type: 'normal',
  data: data ? new TextEncoder().encode(data) : EMPTY_BYTES,
});
/** Entries with the given terms at indexes from+0, from+1, ... */
const ents = (from: number, ...terms: number[]): Entry[] => terms.map((t, i) => ent(t, from + i));
const terms = (es: Entry[] | undefined): number[] => (es ?? []).map((e) => e.term);

function logWith(stored: Entry[], unstable: Entry[] = []): RaftLog {
  const s = new MemoryStorage();
  s.append(stored);
  const l = new RaftLog(s, noopLogger);
  if (unstable.length) l.append(unstable);
  return l;
}

describe('MemoryStorage', () => {
  it('serves entries and terms, and errors outside the range', () => {
    const s = new MemoryStorage();
    s.append(ents(1, 1, 1, 2, 3));
    expect(s.firstIndex()).toBe(1);
    expect(s.lastIndex()).toBe(4);
    expect(s.term(3)).toBe(2);
    expect(s.term(0)).toBe(0);
    expect(() => s.term(5)).toThrow(ErrUnavailable);
    expect(terms(s.entries(2, 5, NO_LIMIT))).toEqual([1, 2, 3]);
    // At least one entry even when over the byte limit.
    expect(s.entries(2, 5, 0).length).toBe(1);
  });

  it('compacts, snapshots and truncates on conflicting append', () => {
    const s = new MemoryStorage();
    s.append(ents(1, 1, 1, 2, 3, 3));
    s.createSnapshot(3, emptyConfState(), EMPTY_BYTES);
    s.compact(3);
    expect(s.firstIndex()).toBe(4);
    expect(s.term(3)).toBe(2);
    expect(() => s.term(2)).toThrow(ErrCompacted);
    expect(() => s.entries(3, 5, NO_LIMIT)).toThrow(ErrCompacted);
    s.append(ents(5, 4, 4)); // replaces 5, adds 6
    expect(s.lastIndex()).toBe(6);
    expect(s.term(5)).toBe(4);
    s.append(ents(2, 9)); // entirely compacted: ignored
    expect(s.lastIndex()).toBe(6);
  });

  it('applySnapshot replaces everything and refuses older snapshots', () => {
    const s = new MemoryStorage();
    s.append(ents(1, 1, 1));
    s.applySnapshot({ metadata: { index: 10, term: 3, confState: emptyConfState() }, data: EMPTY_BYTES });
    expect(s.firstIndex()).toBe(11);
    expect(s.lastIndex()).toBe(10);
    expect(s.term(10)).toBe(3);
    expect(() => s.applySnapshot({ metadata: { index: 5, term: 1, confState: emptyConfState() }, data: EMPTY_BYTES })).toThrow();
  });
});

describe('RaftLog', () => {
  it('findConflict finds the first mismatching or new entry', () => {
    const l = logWith(ents(1, 1, 2, 3));
    expect(l.findConflict([])).toBe(0);
    expect(l.findConflict(ents(1, 1, 2, 3))).toBe(0);
    expect(l.findConflict(ents(2, 2, 3, 4, 5))).toBe(4);
    expect(l.findConflict(ents(1, 4, 4))).toBe(1);
    expect(l.findConflict(ents(2, 1, 4))).toBe(2);
    expect(l.findConflict(ents(3, 4, 4, 4))).toBe(3);
  });

  it('maybeAppend appends, truncates conflicts, and commits up to the last new entry', () => {
    const l = logWith(ents(1, 1, 2, 3));
    expect(l.maybeAppend(3, 2, 3, [])).toBeUndefined(); // term mismatch at 3
    expect(l.maybeAppend(4, 3, 3, [])).toBeUndefined(); // missing 4
    expect(l.maybeAppend(3, 3, 2, [])).toBe(3);
    expect(l.committed).toBe(2);
    expect(l.maybeAppend(2, 2, 10, ents(3, 4, 4))).toBe(4);
    expect(terms(l.allEntries())).toEqual([1, 2, 4, 4]);
    expect(l.committed).toBe(4); // min(leader commit, last new)
    // Overwriting a committed entry is refused (a bogus leader), not applied.
    expect(l.maybeAppend(1, 1, 4, ents(2, 9))).toBe(CONFLICTS_WITH_COMMITTED);
    expect(terms(l.allEntries())).toEqual([1, 2, 4, 4]);
  });

  it('keeps committed monotonic and never beyond the last index', () => {
    const l = logWith(ents(1, 1, 1, 1));
    l.commitTo(2);
    l.commitTo(1);
    expect(l.committed).toBe(2);
    expect(() => l.commitTo(9)).toThrow();
  });

  it('findConflictByTerm skips whole terms for fast backoff', () => {
    // index: 1 2 3 4 5 6 7
    // term:  1 1 2 2 2 5 5
    const l = logWith(ents(1, 1, 1, 2, 2, 2, 5, 5));
    expect(l.findConflictByTerm(7, 5)).toEqual({ index: 7, term: 5 });
    expect(l.findConflictByTerm(7, 4)).toEqual({ index: 5, term: 2 });
    expect(l.findConflictByTerm(7, 2)).toEqual({ index: 5, term: 2 });
    expect(l.findConflictByTerm(4, 1)).toEqual({ index: 2, term: 1 });
    expect(l.findConflictByTerm(7, 0)).toEqual({ index: 0, term: 0 });
  });

  it('spans storage and unstable entries, and stableTo moves them', () => {
    const l = logWith(ents(1, 1, 1), ents(3, 2, 2));
    expect(l.lastIndex()).toBe(4);
    expect(terms(l.slice(2, 5, NO_LIMIT))).toEqual([1, 2, 2]);
    expect(terms(l.unstableEntries())).toEqual([2, 2]);
    l.stableTo(4, 2);
    expect(l.unstableEntries()).toEqual([]);
    // A stale stableTo (the entry was overwritten by a newer term) is ignored.
    l.append(ents(5, 3));
    l.stableTo(5, 2);
    expect(l.unstableEntries().length).toBe(1);
  });

  it('unstableEntries is a snapshot that later appends do not change', () => {
    const l = logWith([], ents(1, 1));
    const got = l.unstableEntries();
    l.append(ents(2, 1));
    expect(got.length).toBe(1);
  });

  it('nextEnts returns committed but unapplied entries', () => {
    const l = logWith(ents(1, 1, 1, 1, 1));
    expect(l.hasNextEnts()).toBe(false);
    l.commitTo(3);
    expect(terms(l.nextEnts())).toEqual([1, 1, 1]);
    l.appliedTo(2);
    expect(l.nextEnts().map((e) => e.index)).toEqual([3]);
    expect(() => l.appliedTo(4)).toThrow();
  });

  it('isUpToDate compares last term then last index', () => {
    const l = logWith(ents(1, 1, 2, 3));
    expect(l.isUpToDate(3, 3)).toBe(true);
    expect(l.isUpToDate(2, 3)).toBe(false);
    expect(l.isUpToDate(1, 4)).toBe(true);
    expect(l.isUpToDate(10, 2)).toBe(false);
  });

  it('maybeCommit only commits entries of the current term', () => {
    const l = logWith(ents(1, 1, 1, 2));
    expect(l.maybeCommit(2, 2)).toBe(false); // entry 2 is from term 1
    expect(l.maybeCommit(3, 2)).toBe(true);
    expect(l.committed).toBe(3);
  });

  it('restore installs a snapshot and reports compaction', () => {
    const l = logWith(ents(1, 1, 1));
    l.restore({ metadata: { index: 10, term: 4, confState: emptyConfState() }, data: EMPTY_BYTES });
    expect(l.committed).toBe(10);
    expect(l.firstIndex()).toBe(11);
    expect(l.lastIndex()).toBe(10);
    expect(l.term(10)).toBe(4);
    expect(l.term(5)).toBeUndefined();
    expect(l.hasPendingSnapshot()).toBe(true);
    expect(l.slice(5, 10, NO_LIMIT)).toBeUndefined();
  });
});
