/**
 * Majority quorum math over one set of voters. Sets are small (3-7 voters), so plain arrays
 * and insertion sorts beat anything clever.
 */

export type VoteResult = 'VotePending' | 'VoteLost' | 'VoteWon';

/** Returns the acknowledged index of a voter, or undefined if unknown. */
export type AckedIndexer = (id: number) => number | undefined;

/** Largest index acknowledged by a majority of `voters`. Empty config: +Infinity (neutral for min). */
export function majorityCommittedIndex(voters: ReadonlySet<number>, acked: AckedIndexer): number {
  const n = voters.size;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  const srt: number[] = new Array<number>(n);
  let i = 0;
  for (const id of voters) srt[i++] = acked(id) ?? 0;
  // Insertion sort ascending; n is tiny.
  for (let a = 1; a < n; a++) {
    const v = srt[a];
    let b = a - 1;
    while (b >= 0 && srt[b] > v) {
      srt[b + 1] = srt[b];
      b--;
    }
    srt[b + 1] = v;
  }
  // The (n/2+1)-th largest value is acknowledged by a majority.
  return srt[n - (Math.floor(n / 2) + 1)];
}

/** Outcome of an election given the votes cast so far (true = granted). */
export function majorityVoteResult(voters: ReadonlySet<number>, votes: ReadonlyMap<number, boolean>): VoteResult {
  if (voters.size === 0) return 'VoteWon'; // an empty config wins every vote (joint-config neutral)
  let yes = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) yes++;
  }
  const q = Math.floor(voters.size / 2) + 1;
  if (yes >= q) return 'VoteWon';
  if (yes + missing >= q) return 'VotePending';
  return 'VoteLost';
}

export function formatIds(ids: Iterable<number>): string {
  return `(${[...ids].sort((a, b) => a - b).join(' ')})`;
}
