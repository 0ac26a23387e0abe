import { jointCommittedIndex, jointIds, jointVoteResult, isJoint, type JointConfig } from '../quorum/joint';
import { formatIds, type VoteResult } from '../quorum/majority';
import type { ConfState } from '../types';
import { Inflights } from './inflights';
import { Progress } from './progress';

/**
 * Active membership. Invariants (checked by confchange): learners and voters are disjoint;
 * learnersNext ⊆ outgoing voters; learnersNext is empty outside a joint config.
 */
export interface TrackerConfig {
  voters: JointConfig;
  learners: Set<number>;
  /** Outgoing voters that become learners when the joint config is left. */
  learnersNext: Set<number>;
  /** Leave the joint config automatically once it is committed and applied. */
  autoLeave: boolean;
}

export function emptyTrackerConfig(): TrackerConfig {
  return {
    voters: { incoming: new Set(), outgoing: new Set() },
    learners: new Set(),
    learnersNext: new Set(),
    autoLeave: false,
  };
}

export function cloneTrackerConfig(c: TrackerConfig): TrackerConfig {
  return {
    voters: { incoming: new Set(c.voters.incoming), outgoing: new Set(c.voters.outgoing) },
    learners: new Set(c.learners),
    learnersNext: new Set(c.learnersNext),
    autoLeave: c.autoLeave,
  };
}

export function formatTrackerConfig(c: TrackerConfig): string {
  let s = `voters=${formatIds(c.voters.incoming)}`;
  if (isJoint(c.voters)) s += `&&${formatIds(c.voters.outgoing)}`;
  if (c.learners.size > 0) s += ` learners=${formatIds(c.learners)}`;
  if (c.learnersNext.size > 0) s += ` learners_next=${formatIds(c.learnersNext)}`;
  if (c.autoLeave) s += ' autoleave';
  return s;
}

export type ProgressMap = Map<number, Progress>;

const sortIds = (ids: Iterable<number>): number[] => [...ids].sort((a, b) => a - b);

/** The leader's view of membership, per-peer replication progress, and the votes of an election. */
export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: ProgressMap = new Map();
  readonly votes = new Map<number, boolean>();
  /** Sorted ids of progress, cached: visiting in id order keeps message order deterministic. */
  private sortedIds: number[] = [];

  constructor(
    readonly maxInflight: number,
    readonly maxInflightBytes: number,
  ) {}

  newProgress(match: number, next: number, isLearner: boolean): Progress {
    return new Progress(match, next, new Inflights(this.maxInflight, this.maxInflightBytes), isLearner);
  }

  /** Installs a configuration computed by confchange (or restored from a ConfState). */
  setConfig(cfg: TrackerConfig, prs: ProgressMap): void {
    this.config = cfg;
    this.progress = prs;
    this.sortedIds = sortIds(prs.keys());
  }

  confState(): ConfState {
    return {
      voters: sortIds(this.config.voters.incoming),
      votersOutgoing: sortIds(this.config.voters.outgoing),
      learners: sortIds(this.config.learners),
      learnersNext: sortIds(this.config.learnersNext),
      autoLeave: this.config.autoLeave,
    };
  }

  /** A single voter and nobody else: can commit and win elections alone. */
  isSingleton(): boolean {
    return this.config.voters.incoming.size === 1 && this.config.voters.outgoing.size === 0;
  }

  /** Largest index acknowledged by a (joint) quorum of voters. */
  committed(): number {
    return jointCommittedIndex(this.config.voters, (id) => {
      const pr = this.progress.get(id);
      return pr === undefined ? undefined : pr.match;
    });
  }

  /** Calls f for each tracked peer (voters and learners) in ascending id order. */
  visit(f: (id: number, pr: Progress) => void): void {
    for (const id of this.sortedIds) {
      const pr = this.progress.get(id);
      if (pr !== undefined) f(id, pr);
    }
  }

  ids(): readonly number[] {
    return this.sortedIds;
  }

  /** Did a quorum of voters talk to us recently (CheckQuorum)? */
  quorumActive(): boolean {
    const votes = new Map<number, boolean>();
    this.visit((id, pr) => {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    });
    return jointVoteResult(this.config.voters, votes) === 'VoteWon';
  }

  voterNodes(): number[] {
    return sortIds(jointIds(this.config.voters));
  }

  learnerNodes(): number[] {
    return sortIds(this.config.learners);
  }

  isVoter(id: number): boolean {
    return this.config.voters.incoming.has(id) || this.config.voters.outgoing.has(id);
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote; the first vote of each peer wins (duplicates are ignored). */
  recordVote(id: number, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  tallyVotes(): { granted: number; rejected: number; result: VoteResult } {
    let granted = 0;
    let rejected = 0;
    this.visit((id, pr) => {
      if (pr.isLearner) return;
      const v = this.votes.get(id);
      if (v === undefined) return;
      if (v) granted++;
      else rejected++;
    });
    return { granted, rejected, result: jointVoteResult(this.config.voters, this.votes) };
  }
}
