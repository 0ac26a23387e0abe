import { RaftEntryType, RaftMessageType } from '@quarry/proto';
import type { EntryType, Message, MessageType } from '@quarry/raft';

// What the encoder (raft-wire.ts) and the decoder (raft-wire-decode.ts) of RaftBatch share.

/** A core message addressed to one group. Node ids are store ids: one replica per store. */
export interface GroupMessage {
  groupId: number;
  message: Message;
  /** On a MsgHeartbeat: the leader's group is quiescing (see quiescence.ts). */
  quiesce?: boolean;
}

export const toWireType: Partial<Record<MessageType, RaftMessageType>> = {
  MsgProp: RaftMessageType.PROP,
  MsgApp: RaftMessageType.APP,
  MsgAppResp: RaftMessageType.APP_RESP,
  MsgVote: RaftMessageType.VOTE,
  MsgVoteResp: RaftMessageType.VOTE_RESP,
  MsgSnap: RaftMessageType.SNAP,
  MsgHeartbeat: RaftMessageType.HEARTBEAT,
  MsgHeartbeatResp: RaftMessageType.HEARTBEAT_RESP,
  MsgTransferLeader: RaftMessageType.TRANSFER_LEADER,
  MsgTimeoutNow: RaftMessageType.TIMEOUT_NOW,
  MsgReadIndex: RaftMessageType.READ_INDEX,
  MsgReadIndexResp: RaftMessageType.READ_INDEX_RESP,
  MsgPreVote: RaftMessageType.PRE_VOTE,
  MsgPreVoteResp: RaftMessageType.PRE_VOTE_RESP,
};
export const fromWireType = new Map<RaftMessageType, MessageType>(Object.entries(toWireType).map(([k, v]) => [v, k as MessageType]));

export const wireEntryType: Record<EntryType, RaftEntryType> = {
  normal: RaftEntryType.NORMAL,
  confChange: RaftEntryType.CONF_CHANGE,
  confChangeV2: RaftEntryType.CONF_CHANGE_V2,
};
export const fromEntryType = new Map<RaftEntryType, EntryType>(Object.entries(wireEntryType).map(([k, v]) => [v, k as EntryType]));

export class MalformedRaftBatchError extends Error {}

export const EMPTY: Uint8Array = new Uint8Array(0);

/** RaftMessage field numbers. */
export const F = {
  groupId: 1,
  type: 2,
  to: 3,
  from: 4,
  term: 5,
  logTerm: 6,
  index: 7,
  entries: 8,
  commit: 9,
  snapshot: 10,
  reject: 11,
  rejectHint: 12,
  context: 13,
  entryTerms: 14,
  entryIndexes: 15,
  entryTypes: 16,
  entryData: 17,
} as const;
/** RaftBatch field numbers. */
export const B = { fromStore: 1, toStore: 2, messages: 3, heartbeats: 4, heartbeatResponses: 5, fragment: 6 } as const;
