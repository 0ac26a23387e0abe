/**
 * Wire- and storage-level value types of the Raft core.
 *
 * Terms and indexes are plain numbers (safe integers): 2^53 entries is far beyond any log we
 * will ever write, and numbers avoid the allocation and comparison cost of bigint on the hot path.
 * Node ids are positive integers; 0 (NONE) means "nobody".
 */

/** The "no node" id: no vote cast, no known leader. */
export const NONE = 0;

export type EntryType = 'normal' | 'confChange' | 'confChangeV2';

export interface Entry {
  term: number;
  index: number;
  type: EntryType;
  /** Opaque payload; for conf-change entries the encoding of confchange/codec.ts. */
  data: Uint8Array;
}

/** The state that must be durable before any message depending on it leaves the node. */
export interface HardState {
  term: number;
  vote: number;
  commit: number;
}

export const EMPTY_HARD_STATE: Readonly<HardState> = Object.freeze({ term: 0, vote: 0, commit: 0 });

export function isEmptyHardState(hs: HardState): boolean {
  return hs.term === 0 && hs.vote === 0 && hs.commit === 0;
}

export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/**
 * Membership. `votersOutgoing` is non-empty only during joint consensus (C_old of C_old,new);
 * `learnersNext` are voters of the outgoing config that become learners when the joint
 * config is left (a voter cannot be a learner in the same config at the same time).
 */
export interface ConfState {
  voters: number[];
  learners: number[];
  votersOutgoing: number[];
  learnersNext: number[];
  autoLeave: boolean;
}

export function emptyConfState(): ConfState {
  return { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
}

export interface SnapshotMetadata {
  index: number;
  term: number;
  confState: ConfState;
}

export interface Snapshot {
  metadata: SnapshotMetadata;
  data: Uint8Array;
}

export const EMPTY_BYTES: Uint8Array = new Uint8Array(0);

export function emptySnapshot(): Snapshot {
  return { metadata: { index: 0, term: 0, confState: emptyConfState() }, data: EMPTY_BYTES };
}

export function isEmptySnapshot(s: Snapshot | undefined): boolean {
  return s === undefined || s.metadata.index === 0;
}

/**
 * Message kinds, named as in etcd raft. Local kinds (never sent over the wire): MsgHup
 * (start an election), MsgBeat (leader: send heartbeats), MsgCheckQuorum, MsgUnreachable,
 * MsgSnapStatus.
 */
export type MessageType =
  | 'MsgHup'
  | 'MsgBeat'
  | 'MsgProp'
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgSnap'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgUnreachable'
  | 'MsgSnapStatus'
  | 'MsgCheckQuorum'
  | 'MsgTransferLeader'
  | 'MsgTimeoutNow'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp';

/**
 * One Raft message. A single flat shape for all kinds (as etcd's raftpb.Message) keeps the
 * objects monomorphic for V8; unused fields are 0/false/empty.
 */
export interface Message {
  type: MessageType;
  to: number;
  from: number;
  term: number;
  /** MsgApp: term of the entry at `index` (the entry preceding `entries`). Rejections: the
   * follower's term at `rejectHint` (fast backoff). Votes: last log term of the candidate. */
  logTerm: number;
  index: number;
  entries: Entry[];
  commit: number;
  snapshot?: Snapshot;
  reject: boolean;
  rejectHint: number;
  /** ReadIndex request context, campaign-transfer marker, heartbeat read context. */
  context?: Uint8Array;
}

const NO_ENTRIES: Entry[] = [];

/** Builds a message with defaults for every field not given. */
export function msg(m: Partial<Message> & { type: MessageType }): Message {
  return {
    type: m.type,
    to: m.to ?? NONE,
    from: m.from ?? NONE,
    term: m.term ?? 0,
    logTerm: m.logTerm ?? 0,
    index: m.index ?? 0,
    entries: m.entries ?? NO_ENTRIES,
    commit: m.commit ?? 0,
    snapshot: m.snapshot,
    reject: m.reject ?? false,
    rejectHint: m.rejectHint ?? 0,
    context: m.context,
  };
}

export function isLocalMsg(t: MessageType): boolean {
  return t === 'MsgHup' || t === 'MsgBeat' || t === 'MsgUnreachable' || t === 'MsgSnapStatus' || t === 'MsgCheckQuorum';
}

export function isResponseMsg(t: MessageType): boolean {
  return t === 'MsgAppResp' || t === 'MsgVoteResp' || t === 'MsgHeartbeatResp' || t === 'MsgUnreachable' || t === 'MsgPreVoteResp' || t === 'MsgReadIndexResp';
}

/** The response kind matching a (pre)vote request. */
export function voteRespMsgType(t: MessageType): MessageType {
  return t === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
}

export type StateType = 'StateFollower' | 'StateCandidate' | 'StateLeader' | 'StatePreCandidate';

/** Volatile state worth reporting to the host (leader changes, role changes). */
export interface SoftState {
  lead: number;
  raftState: StateType;
}

/**
 * Result of a ReadIndex request: once the local applied index reaches `index`, a read issued
 * with `requestCtx` may be served linearizably.
 */
export interface ReadState {
  index: number;
  requestCtx: Uint8Array;
}

/** Approximate in-memory/wire size of an entry, used for byte limits. */
export function entrySize(e: Entry): number {
  return e.data.length + 24;
}

/** Sum of payload sizes; used for uncommitted-size limiting (etcd counts payload only). */
export function payloadSize(e: Entry): number {
  return e.data.length;
}
