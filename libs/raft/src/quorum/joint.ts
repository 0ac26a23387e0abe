import { majorityCommittedIndex, majorityVoteResult, type AckedIndexer, type VoteResult } from './majority';

/**
 * Joint consensus quorum (Raft §6): a decision needs a majority of the incoming AND of the
 * outgoing voter set. Outside a joint config `outgoing` is empty and this reduces to a majority.
 */
export interface JointConfig {
  incoming: Set<number>;
  outgoing: Set<number>;
}

export function jointCommittedIndex(c: JointConfig, acked: AckedIndexer): number {
  const a = majorityCommittedIndex(c.incoming, acked);
  const b = majorityCommittedIndex(c.outgoing, acked);
  return Math.min(a, b);
}

export function jointVoteResult(c: JointConfig, votes: ReadonlyMap<number, boolean>): VoteResult {
  const r1 = majorityVoteResult(c.incoming, votes);
  const r2 = majorityVoteResult(c.outgoing, votes);
  if (r1 === r2) return r1;
  if (r1 === 'VoteLost' || r2 === 'VoteLost') return 'VoteLost';
  return 'VotePending';
}

/** All voter ids of both halves. */
export function jointIds(c: JointConfig): Set<number> {
  const s = new Set<number>(c.incoming);
  for (const id of c.outgoing) s.add(id);
  return s;
}

export function isJoint(c: JointConfig): boolean {
  return c.outgoing.size > 0;
}
