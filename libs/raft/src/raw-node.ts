import type { RaftConfig } from './config';
import { applyConfChange } from './conf';
import { confChangeEntryType, encodeConfChange } from './confchange/codec';
import type { ConfChangeV2 } from './confchange/types';
import { ErrStepLocalMsg, ErrStepPeerNotFound, RaftError } from './errors';
import { Raft } from './raft';
import { appliedCursor, type Ready } from './ready';
import { getStatus, type Status } from './status';
import {
  EMPTY_BYTES,
  hardStateEqual,
  isEmptyHardState,
  isLocalMsg,
  isResponseMsg,
  msg,
  type ConfState,
  type HardState,
  type Message,
  type SoftState,
} from './types';

const EMPTY: never[] = [];

const ENTRY_TYPES = new Set(['normal', 'confChange', 'confChangeV2']);

/** Entries of a MsgApp must be contiguous after m.index with sane, non-decreasing terms. */
function validEntries(m: Message): boolean {
  let prevTerm = m.logTerm;
  for (let i = 0; i < m.entries.length; i++) {
    const e = m.entries[i];
    if (e === null || typeof e !== 'object' || !(e.data instanceof Uint8Array) || !ENTRY_TYPES.has(e.type)) return false;
    if (m.type !== 'MsgApp') continue;
    if (e.index !== m.index + 1 + i || !Number.isSafeInteger(e.term) || e.term < prevTerm || e.term > m.term) return false;
    prevTerm = e.term;
  }
  return true;
}

const isIdList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && (x as number) > 0);

/** A snapshot from the wire must be structurally sound before the core looks at it. */
function validSnapshot(m: Message): boolean {
  const s = m.snapshot;
  if (s === undefined) return m.type !== 'MsgSnap';
  if (s === null || typeof s !== 'object' || !(s.data instanceof Uint8Array)) return false;
  const md = s.metadata;
  if (md === null || typeof md !== 'object' || !Number.isSafeInteger(md.index) || md.index < 1) return false;
  if (!Number.isSafeInteger(md.term) || md.term < 1 || md.term > m.term) return false;
  const cs = md.confState;
  return (
    cs !== null &&
    typeof cs === 'object' &&
    isIdList(cs.voters) &&
    isIdList(cs.learners) &&
    isIdList(cs.votersOutgoing) &&
    isIdList(cs.learnersNext) &&
    typeof cs.autoLeave === 'boolean'
  );
}

function validMessage(m: Message): boolean {
  return (
    Number.isSafeInteger(m.from) &&
    m.from > 0 &&
    Number.isSafeInteger(m.term) &&
    m.term >= 0 &&
    Number.isSafeInteger(m.index) &&
    m.index >= 0 &&
    Number.isSafeInteger(m.logTerm) &&
    m.logTerm >= 0 &&
    Number.isSafeInteger(m.commit) &&
    m.commit >= 0 &&
    Array.isArray(m.entries) &&
    validEntries(m) &&
    validSnapshot(m) &&
    (m.context === undefined || m.context instanceof Uint8Array)
  );
}

/**
 * The host-facing API of one Raft node (etcd's RawNode): feed it ticks and messages, collect
 * Ready batches, process them (see Ready), call advance(). Not thread-safe by design: the
 * multi-raft host drives each group from one loop.
 */
export class RawNode {
  readonly raft: Raft;
  private prevSoftSt: SoftState;
  private prevHardSt: HardState;

  constructor(config: RaftConfig) {
    this.raft = new Raft(config);
    this.prevSoftSt = this.raft.softState();
    this.prevHardSt = this.raft.hardState();
  }

  /** Advances the logical clock by one tick (election/heartbeat timeouts are in ticks). */
  tick(): void {
    this.raft.tick();
  }

  /** Starts an election now (PreVote first if enabled). */
  campaign(): RaftError | undefined {
    return this.raft.step(msg({ type: 'MsgHup', from: this.raft.id }));
  }

  /** Proposes data to be appended; ErrProposalDropped if there is no leader, a transfer, ... */
  propose(data: Uint8Array): RaftError | undefined {
    return this.raft.step(msg({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: 'normal', data }] }));
  }

  /**
   * Proposes several entries as one MsgProp: they are appended together and replicated in
   * one MsgApp per follower (the cheap path for a host batching client writes). All or none
   * are accepted.
   */
  proposeBatch(data: readonly Uint8Array[]): RaftError | undefined {
    if (data.length === 0) return undefined;
    const entries = data.map((d) => ({ term: 0, index: 0, type: 'normal' as const, data: d }));
    return this.raft.step(msg({ type: 'MsgProp', from: this.raft.id, entries }));
  }

  /** Proposes a membership change; it takes effect when the host applies the entry. */
  proposeConfChange(cc: ConfChangeV2): RaftError | undefined {
    for (const c of cc.changes) {
      if (!Number.isSafeInteger(c.nodeId) || c.nodeId <= 0) {
        return new RaftError('ErrInvalidConfChange', `invalid conf change: bad node id ${c.nodeId}`);
      }
    }
    const data = encodeConfChange(cc);
    return this.raft.step(msg({ type: 'MsgProp', from: this.raft.id, entries: [{ term: 0, index: 0, type: confChangeEntryType(cc), data }] }));
  }

  /**
   * Applies a committed conf change (decoded from its entry with confChangeFromEntry). Must be
   * called for every conf-change entry in committedEntries, in order. Returns the new ConfState
   * (to store with the next snapshot), or an error if the change is invalid (it then has no
   * effect, on every node alike).
   */
  applyConfChange(cc: ConfChangeV2): ConfState | RaftError {
    return applyConfChange(this.raft, cc);
  }

  /**
   * Steps a message received from the network. Local message kinds and responses from peers
   * not in the configuration are refused; malformed messages are refused, never thrown.
   */
  step(m: Message): RaftError | undefined {
    if (isLocalMsg(m.type)) return ErrStepLocalMsg;
    if (!validMessage(m) || m.from === this.raft.id) return new RaftError('ErrStepPeerNotFound', 'malformed message');
    // Term 0 marks local messages; from the network only forwarded requests carry it.
    if (m.term === 0 && m.type !== 'MsgProp' && m.type !== 'MsgReadIndex' && m.type !== 'MsgTransferLeader') {
      return new RaftError('ErrStepPeerNotFound', `malformed message: ${m.type} without term`);
    }
    if (isResponseMsg(m.type) && !this.raft.trk.progress.has(m.from)) return ErrStepPeerNotFound;
    return this.raft.step(m);
  }

  private readyWithoutAccept(): Ready {
    const r = this.raft;
    const rd: Ready = {
      entries: r.raftLog.unstableEntries(),
      committedEntries: r.raftLog.nextEnts(),
      messages: r.msgs.length > 0 ? r.msgs : EMPTY,
      readStates: r.readStates.length > 0 ? r.readStates : EMPTY,
      mustSync: false,
    };
    const softSt = r.softState();
    if (softSt.lead !== this.prevSoftSt.lead || softSt.raftState !== this.prevSoftSt.raftState) rd.softState = softSt;
    const hardSt = r.hardState();
    if (!hardStateEqual(hardSt, this.prevHardSt)) rd.hardState = hardSt;
    if (r.raftLog.hasPendingSnapshot()) rd.snapshot = r.raftLog.unstable.snapshot;
    // Only term, vote and new entries need fsync; commit can be recovered from the quorum.
    rd.mustSync =
      rd.entries.length > 0 ||
      rd.snapshot !== undefined ||
      (rd.hardState !== undefined && (hardSt.term !== this.prevHardSt.term || hardSt.vote !== this.prevHardSt.vote));
    return rd;
  }

  /** The pending batch of work; call advance(rd) once it is processed. */
  ready(): Ready {
    const rd = this.readyWithoutAccept();
    if (rd.softState) this.prevSoftSt = rd.softState;
    if (rd.readStates.length > 0) this.raft.readStates = [];
    if (rd.messages.length > 0) this.raft.msgs = [];
    return rd;
  }

  hasReady(): boolean {
    const r = this.raft;
    const softSt = r.softState();
    if (softSt.lead !== this.prevSoftSt.lead || softSt.raftState !== this.prevSoftSt.raftState) return true;
    const hardSt = r.hardState();
    if (!isEmptyHardState(hardSt) && !hardStateEqual(hardSt, this.prevHardSt)) return true;
    if (r.raftLog.hasPendingSnapshot()) return true;
    if (r.msgs.length > 0 || r.raftLog.unstable.entries.length > 0 || r.raftLog.hasNextEnts()) return true;
    return r.readStates.length > 0;
  }

  /** Acknowledges that rd was processed: entries are durable and committed entries applied. */
  advance(rd: Ready): void {
    const r = this.raft;
    if (rd.hardState) this.prevHardSt = rd.hardState;
    if (rd.entries.length > 0) {
      const e = rd.entries[rd.entries.length - 1];
      r.raftLog.stableTo(e.index, e.term);
    }
    if (rd.snapshot) r.raftLog.stableSnapTo(rd.snapshot.metadata.index);
    const newApplied = appliedCursor(rd);
    if (newApplied > 0) {
      r.raftLog.appliedTo(newApplied);
      // Joint config with auto-leave: once the entry that entered it is applied, the leader
      // proposes the empty conf change that leaves it.
      if (r.trk.config.autoLeave && newApplied >= r.pendingConfIndex && r.state === 'StateLeader') {
        const ent = { term: 0, index: 0, type: 'confChangeV2' as const, data: encodeConfChange({ transition: 'auto', changes: [] }) };
        if (r.appendEntry([ent])) {
          r.logger.info(`initiating automatic transition out of joint configuration ${r.trk.config.voters.incoming.size}`);
          r.pendingConfIndex = r.raftLog.lastIndex();
          r.broadcastAppend();
        }
      }
    }
    r.reduceUncommittedSize(rd.committedEntries);
  }

  status(): Status {
    return getStatus(this.raft);
  }

  /** The transport could not deliver to id: the leader stops pipelining to it. */
  reportUnreachable(id: number): void {
    this.raft.step(msg({ type: 'MsgUnreachable', from: id }));
  }

  /** Outcome of sending a snapshot to id (the host streams it in chunks). */
  reportSnapshot(id: number, status: 'finish' | 'failure'): void {
    this.raft.step(msg({ type: 'MsgSnapStatus', from: id, reject: status === 'failure' }));
  }

  /** Asks the leader to hand leadership to transferee. */
  transferLeader(transferee: number): void {
    this.raft.step(msg({ type: 'MsgTransferLeader', from: transferee }));
  }

  /**
   * Requests a linearizable read point; the answer comes as a ReadState with the same ctx
   * (which should be unique per request).
   */
  readIndex(ctx: Uint8Array): RaftError | undefined {
    return this.raft.step(msg({ type: 'MsgReadIndex', from: this.raft.id, context: ctx.length ? ctx : EMPTY_BYTES }));
  }
}
