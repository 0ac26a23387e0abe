/**
 * Error values of the core. step() and propose() never throw for bad input: they return one of
 * these (or undefined for success) so a host handling thousands of groups can count and drop
 * without try/catch on the hot path. Thrown exceptions are reserved for broken invariants
 * (a bug, or corrupted storage), where continuing would risk safety.
 */
export class RaftError extends Error {
  constructor(
    readonly code: RaftErrorCode,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'RaftError';
  }
}

export type RaftErrorCode =
  | 'ErrCompacted'
  | 'ErrSnapOutOfDate'
  | 'ErrUnavailable'
  | 'ErrSnapshotTemporarilyUnavailable'
  | 'ErrProposalDropped'
  | 'ErrStepLocalMsg'
  | 'ErrStepPeerNotFound'
  | 'ErrInvalidConfChange';

/** Requested index is older than the first retained entry (compacted away). */
export const ErrCompacted = new RaftError('ErrCompacted', 'requested index is unavailable due to compaction');
/** A snapshot older than the one already held was offered. */
export const ErrSnapOutOfDate = new RaftError('ErrSnapOutOfDate', 'requested index is older than the existing snapshot');
/** Requested entry beyond the last index. */
export const ErrUnavailable = new RaftError('ErrUnavailable', 'requested entry at index is unavailable');
/** Storage cannot produce a snapshot right now; the leader will retry later. */
export const ErrSnapshotTemporarilyUnavailable = new RaftError('ErrSnapshotTemporarilyUnavailable', 'snapshot is temporarily unavailable');
/** The proposal was not appended (no leader, leadership transfer, not a member, size limit). */
export const ErrProposalDropped = new RaftError('ErrProposalDropped', 'raft proposal dropped');
export const ErrStepLocalMsg = new RaftError('ErrStepLocalMsg', 'raft: cannot step raft local message');
export const ErrStepPeerNotFound = new RaftError('ErrStepPeerNotFound', 'raft: cannot step as peer not found');

export function invalidConfChange(why: string): RaftError {
  return new RaftError('ErrInvalidConfChange', `invalid conf change: ${why}`);
}
