import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jointCommittedIndex, jointVoteResult } from './joint';
import { majorityCommittedIndex, majorityVoteResult } from './majority';

const acked = (m: Record<number, number>) => (id: number) => m[id];

describe('majority quorum', () => {
  it('commits the index a majority acknowledged', () => {
    expect(majorityCommittedIndex(new Set([1]), acked({ 1: 5 }))).toBe(5);
    expect(majorityCommittedIndex(new Set([1, 2, 3]), acked({ 1: 5, 2: 3, 3: 1 }))).toBe(3);
    expect(majorityCommittedIndex(new Set([1, 2, 3, 4]), acked({ 1: 5, 2: 3, 3: 1, 4: 4 }))).toBe(3);
    expect(majorityCommittedIndex(new Set([1, 2, 3, 4, 5]), acked({ 1: 9, 2: 8, 3: 7 }))).toBe(7);
    // Missing acks count as 0.
    expect(majorityCommittedIndex(new Set([1, 2, 3]), acked({ 1: 5 }))).toBe(0);
  });

  it('empty config is neutral (infinite commit, won vote)', () => {
    expect(majorityCommittedIndex(new Set(), acked({}))).toBe(Number.MAX_SAFE_INTEGER);
    expect(majorityVoteResult(new Set(), new Map())).toBe('VoteWon');
  });

  it('computes vote results', () => {
    const v = new Set([1, 2, 3]);
    expect(majorityVoteResult(v, new Map([[1, true]]))).toBe('VotePending');
    expect(
      majorityVoteResult(
        v,
        new Map([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('VoteWon');
    expect(
      majorityVoteResult(
        v,
        new Map([
          [1, true],
          [2, false],
          [3, false],
        ]),
      ),
    ).toBe('VoteLost');
    expect(
      majorityVoteResult(
        v,
        new Map([
          [1, false],
          [2, false],
        ]),
      ),
    ).toBe('VoteLost');
    // Votes of non-members are ignored.
    expect(
      majorityVoteResult(
        v,
        new Map([
          [1, true],
          [9, true],
        ]),
      ),
    ).toBe('VotePending');
  });

  it('committed index is acked by a majority and is the largest such (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(100), { minLength: 1, maxLength: 7 }), (idx) => {
        const ids = new Set(idx.map((_, i) => i + 1));
        const m: Record<number, number> = {};
        idx.forEach((v, i) => (m[i + 1] = v));
        const c = majorityCommittedIndex(ids, acked(m));
        const q = Math.floor(ids.size / 2) + 1;
        expect(idx.filter((v) => v >= c).length).toBeGreaterThanOrEqual(q);
        expect(idx.filter((v) => v >= c + 1).length).toBeLessThan(q);
      }),
    );
  });
});

describe('joint quorum', () => {
  const cfg = { incoming: new Set([1, 2, 3]), outgoing: new Set([3, 4, 5]) };

  it('commits the minimum of both majorities', () => {
    expect(jointCommittedIndex(cfg, acked({ 1: 10, 2: 10, 3: 10, 4: 10, 5: 1 }))).toBe(10);
    // A majority of the incoming half alone is not enough.
    expect(jointCommittedIndex(cfg, acked({ 1: 10, 2: 10, 3: 10, 4: 1, 5: 1 }))).toBe(1);
    expect(jointCommittedIndex(cfg, acked({ 1: 10, 2: 10, 3: 1, 4: 1, 5: 1 }))).toBe(1);
    expect(jointCommittedIndex(cfg, acked({ 1: 10, 2: 10, 3: 8, 4: 7, 5: 1 }))).toBe(7);
    // Not joint: plain majority.
    expect(jointCommittedIndex({ incoming: new Set([1, 2, 3]), outgoing: new Set() }, acked({ 1: 4, 2: 4, 3: 1 }))).toBe(4);
  });

  it('needs both majorities to win, either to lose', () => {
    expect(
      jointVoteResult(
        cfg,
        new Map([
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('VotePending');
    expect(
      jointVoteResult(
        cfg,
        new Map([
          [1, true],
          [2, true],
          [4, true],
          [5, true],
        ]),
      ),
    ).toBe('VoteWon');
    expect(
      jointVoteResult(
        cfg,
        new Map([
          [1, true],
          [3, true],
          [4, true],
        ]),
      ),
    ).toBe('VoteWon');
    expect(
      jointVoteResult(
        cfg,
        new Map([
          [4, false],
          [5, false],
          [1, true],
          [2, true],
        ]),
      ),
    ).toBe('VoteLost');
  });
});
