import { validateConfig, type RaftConfig } from './config';
import { restoreConfig } from './confchange/restore';
import type { RaftError } from './errors';
import { NO_LIMIT } from './limit-size';
import { noopLogger, type Logger } from './logger';
import type { VoteResult } from './quorum/majority';
import { RaftLog } from './raft-log';
import { ReadOnly, type ReadOnlyOption } from './read-only';
import type { Rng } from './rng';
import { ProgressTracker } from './tracker/tracker';
import {
  EMPTY_BYTES,
  isEmptyHardState,
  msg,
  NONE,
  payloadSize,
  type Entry,
  type HardState,
  type Message,
  type ReadState,
  type SoftState,
  type StateType,
} from './types';
import { stepCandidate, stepFollower } from './step-follower';
import { stepLeader } from './step-leader';
import { bcastAppend, maybeCommit } from './replication';
import { switchToConfig } from './conf';
import { campaign, handleVoteRequest, hup, isTransferCtx, poll, type CampaignType } from './election';

export { CAMPAIGN_TRANSFER_CTX, type CampaignType } from './election';

export type StepFn = (r: Raft, m: Message) => RaftError | undefined;

/**
 * The Raft state machine of one node. Pure and deterministic: inputs are step() (messages and
 * local events) and tick(); outputs accumulate in `msgs`, `readStates` and the log's unstable
 * part, collected by RawNode.ready(). Role-specific logic lives in step-leader.ts,
 * step-follower.ts and replication.ts; fields are public for those modules (and tests), but
 * hosts should use RawNode.
 */
export class Raft {
  readonly id: number;
  term = 0;
  vote = NONE;
  readStates: ReadState[] = [];
  readonly raftLog: RaftLog;
  readonly maxMsgSize: number;
  readonly maxUncommittedSize: number;
  readonly trk: ProgressTracker;
  state: StateType = 'StateFollower';
  /** This node is a learner in the current config (never campaigns). */
  isLearner = false;
  /** Outgoing messages, drained by RawNode. */
  msgs: Message[] = [];
  lead = NONE;
  /** Target of an ongoing leadership transfer (proposals are dropped meanwhile). */
  leadTransferee = NONE;
  /**
   * Index of the latest conf change proposed by this leader. Only one may be pending
   * (proposed but not applied) at a time: the next is refused until applied >= this.
   */
  pendingConfIndex = 0;
  /** Payload bytes appended by this leader but not yet committed (proposal back-pressure). */
  uncommittedSize = 0;
  readOnly: ReadOnly;
  /** Leader/candidate: ticks since the last election timeout; follower: since the leader was heard. */
  electionElapsed = 0;
  heartbeatElapsed = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly heartbeatTimeout: number;
  readonly electionTimeout: number;
  /** Drawn in [electionTimeout, 2*electionTimeout) at every term change. */
  randomizedElectionTimeout = 0;
  readonly disableProposalForwarding: boolean;
  readonly logger: Logger;
  private readonly rng: Rng;
  /** ReadIndex requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  private tickFn: () => void;
  private stepFn: StepFn;

  constructor(c: RaftConfig) {
    const err = validateConfig(c);
    if (err) throw new Error(err);
    this.id = c.id;
    this.logger = c.logger ?? noopLogger;
    this.rng = c.rng;
    this.raftLog = new RaftLog(c.storage, this.logger, c.maxCommittedSizePerReady ?? NO_LIMIT);
    this.maxMsgSize = c.maxSizePerMsg ?? 0;
    this.maxUncommittedSize = c.maxUncommittedEntriesSize ?? NO_LIMIT;
    this.trk = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes ?? 0);
    this.checkQuorum = c.checkQuorum ?? false;
    this.preVote = c.preVote ?? false;
    this.heartbeatTimeout = c.heartbeatTick;
    this.electionTimeout = c.electionTick;
    this.disableProposalForwarding = c.disableProposalForwarding ?? false;
    this.readOnly = new ReadOnly(c.readOnlyOption ?? 'Safe');
    this.tickFn = () => this.tickElection();
    this.stepFn = stepFollower;

    const { hardState, confState } = c.storage.initialState();
    const restored = restoreConfig(this.trk, confState, this.raftLog.lastIndex());
    if (restored instanceof Error) throw restored;
    switchToConfig(this, restored.config, restored.progress);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (c.applied !== undefined && c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
    this.logger.info(
      `newRaft ${this.id} [peers: [${this.trk.voterNodes().join(',')}], term: ${this.term}, commit: ${this.raftLog.committed}, applied: ${this.raftLog.applied}, lastindex: ${this.raftLog.lastIndex()}, lastterm: ${this.raftLog.lastTerm()}]`,
    );
  }

  get readOnlyOption(): ReadOnlyOption {
    return this.readOnly.option;
  }

  hasLeader(): boolean {
    return this.lead !== NONE;
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  /** Queues a message; fills in `from` and (for most kinds) the current term. */
  send(m: Message): void {
    if (m.from === NONE) m.from = this.id;
    if (m.type === 'MsgVote' || m.type === 'MsgVoteResp' || m.type === 'MsgPreVote' || m.type === 'MsgPreVoteResp') {
      // Vote messages carry the term they are about (a prevote is for term+1), set by the caller.
      if (m.term === 0) throw new Error(`term should be set when sending ${m.type}`);
    } else {
      if (m.term !== 0) throw new Error(`term should not be set when sending ${m.type} (was ${m.term})`);
      // Proposals and read requests forwarded to the leader travel as local messages (term 0).
      if (m.type !== 'MsgProp' && m.type !== 'MsgReadIndex') m.term = this.term;
    }
    this.msgs.push(m);
  }

  private loadState(hs: HardState): void {
    if (hs.commit < this.raftLog.committed || hs.commit > this.raftLog.lastIndex()) {
      throw new Error(`${this.id} state.commit ${hs.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`);
    }
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  // ---- roles ----------------------------------------------------------------------------

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.trk.resetVotes();
    const last = this.raftLog.lastIndex();
    this.trk.visit((id, pr) => {
      pr.resetTo(id === this.id ? last : 0, last + 1);
    });
    this.pendingConfIndex = 0;
    this.uncommittedSize = 0;
    this.readOnly = new ReadOnly(this.readOnly.option);
  }

  becomeFollower(term: number, lead: number): void {
    this.stepFn = stepFollower;
    this.reset(term);
    this.tickFn = () => this.tickElection();
    this.lead = lead;
    this.state = 'StateFollower';
    this.pendingReadIndexMessages = [];
    this.logger.info(`${this.id} became follower at term ${this.term}`);
  }

  becomeCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> candidate]');
    this.stepFn = stepCandidate;
    this.reset(this.term + 1);
    this.tickFn = () => this.tickElection();
    this.vote = this.id;
    this.state = 'StateCandidate';
    this.logger.info(`${this.id} became candidate at term ${this.term}`);
  }

  becomePreCandidate(): void {
    if (this.state === 'StateLeader') throw new Error('invalid transition [leader -> pre-candidate]');
    // A pre-candidate changes neither term nor vote: it only asks whether it could win.
    this.stepFn = stepCandidate;
    this.trk.resetVotes();
    this.tickFn = () => this.tickElection();
    this.lead = NONE;
    this.state = 'StatePreCandidate';
    this.logger.info(`${this.id} became pre-candidate at term ${this.term}`);
  }

  becomeLeader(): void {
    if (this.state === 'StateFollower') throw new Error('invalid transition [follower -> leader]');
    this.stepFn = stepLeader;
    this.reset(this.term);
    this.tickFn = () => this.tickHeartbeat();
    this.lead = this.id;
    this.state = 'StateLeader';
    const self = this.trk.progress.get(this.id);
    if (self) {
      // We trivially match our own log; replicate state keeps self out of probing logic.
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conservatively assume any unapplied entry may be a conf change: no new one until
    // everything up to our last index has been applied.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An empty entry of our term: committing it commits everything before (Raft §5.4.2) and
    // is what makes ReadIndex safe to serve.
    const empty: Entry = { term: 0, index: 0, type: 'normal', data: EMPTY_BYTES };
    if (!this.appendEntry([empty])) throw new Error('empty entry was dropped');
    this.logger.info(`${this.id} became leader at term ${this.term}`);
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.rng.intn(this.electionTimeout);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  /** Can this node become leader (a voter of the config, not waiting on a snapshot)? */
  promotable(): boolean {
    const pr = this.trk.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  // ---- ticks ----------------------------------------------------------------------------

  tick(): void {
    this.tickFn();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(msg({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(msg({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === 'StateLeader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.state !== 'StateLeader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(msg({ type: 'MsgBeat', from: this.id }));
    }
  }

  // ---- elections (election.ts) --------------------------------------------------------

  hup(t: CampaignType): void {
    hup(this, t);
  }

  campaign(t: CampaignType): void {
    campaign(this, t);
  }

  poll(id: number, t: string, granted: boolean): VoteResult {
    return poll(this, id, t, granted);
  }

  // ---- step -----------------------------------------------------------------------------

  /**
   * Handles one message. Returns an error value (never throws) for messages that are refused
   * (dropped proposals, ...). Term handling common to all roles happens here.
   */
  step(m: Message): RaftError | undefined {
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = isTransferCtx(m.context);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        if (!force && inLease) {
          // Leader lease: we heard from a leader within the minimum election timeout, so a
          // (pre)candidate is probably partitioned or flapping; do not let it disrupt us.
          this.logger.info(
            `${this.id} [logterm: ${this.raftLog.lastTerm()}, index: ${this.raftLog.lastIndex()}, vote: ${this.vote}] ignored ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${this.term}: lease is not expired (remaining ticks: ${this.electionTimeout - this.electionElapsed})`,
          );
          return undefined;
        }
      }
      if (m.type === 'MsgPreVote') {
        // Never change our term in response to a PreVote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // The term in a granted pre-vote response is the future term of our campaign; we bump
        // to it only when the pre-election is won.
      } else {
        this.logger.info(`${this.id} [term: ${this.term}] received a ${m.type} message with higher term from ${m.from} [term: ${m.term}]`);
        if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') this.becomeFollower(m.term, m.from);
        else this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (e.g. after a partition healed) whose term we out-grew: our response
        // with the higher term makes it step down. Without this, with CheckQuorum/PreVote it
        // could never learn about the new term, since our votes are not disruptive anymore.
        this.send(msg({ type: 'MsgAppResp', to: m.from }));
      } else if (m.type === 'MsgPreVote') {
        this.logger.info(`${this.id} [term: ${this.term}] rejected ${m.type} from ${m.from} [term: ${m.term}]`);
        this.send(msg({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true }));
      } else {
        this.logger.debug(`${this.id} [term: ${this.term}] ignored a ${m.type} message with lower term from ${m.from} [term: ${m.term}]`);
      }
      return undefined;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'CampaignPreElection' : 'CampaignElection');
        return undefined;
      case 'MsgVote':
      case 'MsgPreVote':
        handleVoteRequest(this, m);
        return undefined;
      default:
        return this.stepFn(this, m);
    }
  }

  // ---- leader helpers -------------------------------------------------------------------

  /** Appends entries proposed at this leader. Returns false if dropped by the size limit. */
  appendEntry(es: Entry[]): boolean {
    let li = this.raftLog.lastIndex();
    for (let i = 0; i < es.length; i++) {
      es[i].term = this.term;
      es[i].index = li + 1 + i;
    }
    if (!this.increaseUncommittedSize(es)) {
      this.logger.warn(`${this.id} appending new entries to log would exceed uncommitted entry size limit; dropping proposal`);
      return false;
    }
    li = this.raftLog.append(es);
    // The leader counts its own append immediately; the host contract (persist before
    // sending messages or applying) makes that safe: no follower acks an entry before the
    // leader persisted it, and a commit by the leader alone is applied only after persisting.
    this.trk.progress.get(this.id)?.maybeUpdate(li);
    maybeCommit(this);
    return true;
  }

  increaseUncommittedSize(ents: readonly Entry[]): boolean {
    let s = 0;
    for (const e of ents) s += payloadSize(e);
    // Always allow a proposal when nothing is uncommitted, so one huge entry is not stuck.
    if (this.uncommittedSize > 0 && s > 0 && this.uncommittedSize + s > this.maxUncommittedSize) return false;
    this.uncommittedSize += s;
    return true;
  }

  reduceUncommittedSize(ents: readonly Entry[]): void {
    if (this.uncommittedSize === 0) return; // fast path for followers
    let s = 0;
    for (const e of ents) s += payloadSize(e);
    this.uncommittedSize = s > this.uncommittedSize ? 0 : this.uncommittedSize - s;
  }

  /** Has this leader committed an entry of its own term (needed before serving reads)? */
  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.zeroTermOnOutOfRange(this.raftLog.committed) === this.term;
  }

  broadcastAppend(): void {
    bcastAppend(this);
  }
}
