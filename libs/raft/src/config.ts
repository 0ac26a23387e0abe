import type { Logger } from './logger';
import type { ReadOnlyOption } from './read-only';
import type { Rng } from './rng';
import type { Storage } from './storage';

/** Parameters of one Raft node. Ticks are abstract: the host decides how long one tick is. */
export interface RaftConfig {
  /** This node's id (> 0). */
  id: number;
  /**
   * Ticks without hearing from a leader before a follower campaigns. The actual timeout is
   * drawn uniformly from [electionTick, 2*electionTick) to avoid split votes.
   */
  electionTick: number;
  /** Ticks between leader heartbeats; must be < electionTick (usually 1/10). */
  heartbeatTick: number;
  storage: Storage;
  /** Last applied index when restarting (the state machine already has everything up to it). */
  applied?: number;
  /** Max bytes of entries per MsgApp (batching). 0 = one entry per message. */
  maxSizePerMsg?: number;
  /** Max bytes of committed entries handed out per Ready. */
  maxCommittedSizePerReady?: number;
  /** Max bytes of uncommitted proposals at the leader; beyond it proposals are dropped. */
  maxUncommittedEntriesSize?: number;
  /** Max MsgApps in flight per follower in StateReplicate (pipelining window). */
  maxInflightMsgs: number;
  /** Max bytes in flight per follower; 0 = unlimited. */
  maxInflightBytes?: number;
  /** Leader steps down when it has not heard from a quorum in an election timeout. */
  checkQuorum?: boolean;
  /** Candidates first check they could win (Raft thesis §9.6), avoiding disruptive term bumps. */
  preVote?: boolean;
  readOnlyOption?: ReadOnlyOption;
  /** Followers drop proposals instead of forwarding them to the leader. */
  disableProposalForwarding?: boolean;
  /** Source of randomness for election timeouts (seeded in tests and simulation). */
  rng: Rng;
  logger?: Logger;
}

/** Returns an error message if the config is unusable. */
export function validateConfig(c: RaftConfig): string | undefined {
  if (!Number.isSafeInteger(c.id) || c.id <= 0) return 'cannot use none as id';
  if (c.heartbeatTick <= 0) return 'heartbeat tick must be greater than 0';
  if (c.electionTick <= c.heartbeatTick) return 'election tick must be greater than heartbeat tick';
  if (c.maxInflightMsgs <= 0) return 'max inflight messages must be greater than 0';
  if (c.readOnlyOption === 'LeaseBased' && !c.checkQuorum) {
    return 'CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased';
  }
  return undefined;
}
