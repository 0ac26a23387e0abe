import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  RaftBatchSchema,
  RaftEntryType,
  RaftMessageType,
  type CoalescedHeartbeat,
  type RaftBatch,
  type RaftEntry,
  type RaftMessage,
  type RaftSnapshot,
} from '@quarry/proto';
import { crc32c } from '@quarry/raft/log/crc32c';
import { msg, type Entry, type EntryType, type Message, type MessageType, type Snapshot } from '@quarry/raft';

/** A core message addressed to one group. Node ids are store ids: one replica per store. */
export interface GroupMessage {
  groupId: number;
  message: Message;
  /** On a MsgHeartbeat: the leader's group is quiescing (see quiescence.ts). */
  quiesce?: boolean;
}

const toWireType: Partial<Record<MessageType, RaftMessageType>> = {
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
const fromWireType = new Map<RaftMessageType, MessageType>(Object.entries(toWireType).map(([k, v]) => [v, k as MessageType]));

const wireEntryType: Record<EntryType, RaftEntryType> = {
  normal: RaftEntryType.NORMAL,
  confChange: RaftEntryType.CONF_CHANGE,
  confChangeV2: RaftEntryType.CONF_CHANGE_V2,
};
const fromEntryType = new Map<RaftEntryType, EntryType>(Object.entries(wireEntryType).map(([k, v]) => [v, k as EntryType]));

export class MalformedRaftBatchError extends Error {}

const big = (n: number): bigint => BigInt(n);
const EMPTY = new Uint8Array(0);
function num(b: bigint, field: string): number {
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedRaftBatchError(`${field} out of range`);
  return Number(b);
}

/** The columnar form of `entries` (see raft.proto): no message object per entry. */
function entryColumns(entries: readonly Entry[]): Pick<RaftMessage, 'entryTerms' | 'entryIndexes' | 'entryTypes' | 'entryData'> {
  const n = entries.length;
  const entryTerms = new Array<bigint>(n);
  const entryIndexes = new Array<bigint>(n);
  const entryTypes = new Array<RaftEntryType>(n);
  const entryData = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    entryTerms[i] = big(e.term);
    entryIndexes[i] = big(e.index);
    entryTypes[i] = wireEntryType[e.type];
    entryData[i] = e.data;
  }
  return { entryTerms, entryIndexes, entryTypes, entryData };
}

function entriesFromColumns(w: RaftMessage): Entry[] {
  const n = w.entryData.length;
  if (w.entryTerms.length !== n || w.entryIndexes.length !== n || w.entryTypes.length !== n) throw new MalformedRaftBatchError('entry columns differ in length');
  const out = new Array<Entry>(n);
  for (let i = 0; i < n; i++) {
    const type = fromEntryType.get(w.entryTypes[i]);
    if (!type) throw new MalformedRaftBatchError(`unknown entry type ${w.entryTypes[i]}`);
    out[i] = { term: num(w.entryTerms[i], 'entry.term'), index: num(w.entryIndexes[i], 'entry.index'), type, data: w.entryData[i] };
  }
  return out;
}

function entryFromWire(e: RaftEntry): Entry {
  const type = fromEntryType.get(e.type);
  if (!type) throw new MalformedRaftBatchError(`unknown entry type ${e.type}`);
  return { term: num(e.term, 'entry.term'), index: num(e.index, 'entry.index'), type, data: e.data };
}

function snapshotToWire(s: Snapshot): RaftSnapshot {
  const cs = s.metadata.confState;
  return {
    $typeName: 'quarry.v1.RaftSnapshot',
    index: big(s.metadata.index),
    term: big(s.metadata.term),
    confState: { $typeName: 'quarry.v1.RaftConfState', voters: cs.voters, learners: cs.learners, votersOutgoing: cs.votersOutgoing, learnersNext: cs.learnersNext, autoLeave: cs.autoLeave },
    data: s.data,
    crc32c: crc32c(s.data),
  };
}

function snapshotFromWire(s: RaftSnapshot): Snapshot {
  if (crc32c(s.data) !== s.crc32c) throw new MalformedRaftBatchError(`snapshot at index ${s.index} fails its checksum`);
  const cs = s.confState;
  return {
    metadata: {
      index: num(s.index, 'snapshot.index'),
      term: num(s.term, 'snapshot.term'),
      confState: { voters: cs?.voters ?? [], learners: cs?.learners ?? [], votersOutgoing: cs?.votersOutgoing ?? [], learnersNext: cs?.learnersNext ?? [], autoLeave: cs?.autoLeave ?? false },
    },
    data: s.data,
  };
}

/** Packs the messages for one destination store into one batch, heartbeats coalesced. */
export function encodeRaftBatch(fromStore: number, toStore: number, messages: GroupMessage[]): Uint8Array {
  const batch = create(RaftBatchSchema, { fromStore, toStore });
  for (const { groupId, message: m, quiesce } of messages) {
    if (m.type === 'MsgHeartbeat' || m.type === 'MsgHeartbeatResp') {
      const hb: CoalescedHeartbeat = {
        $typeName: 'quarry.v1.CoalescedHeartbeat',
        groupId,
        term: big(m.term),
        commit: big(m.commit),
        context: m.context ?? EMPTY,
        quiesce: quiesce === true && m.type === 'MsgHeartbeat',
      };
      (m.type === 'MsgHeartbeat' ? batch.heartbeats : batch.heartbeatResponses).push(hb);
      continue;
    }
    const type = toWireType[m.type];
    if (type === undefined) continue; // local message kinds never leave the node
    // A literal rather than create(): this runs for every message of every pass.
    batch.messages.push({
      $typeName: 'quarry.v1.RaftMessage',
      groupId,
      type,
      to: m.to,
      from: m.from,
      term: big(m.term),
      logTerm: big(m.logTerm),
      index: big(m.index),
      entries: [],
      ...entryColumns(m.entries),
      commit: big(m.commit),
      snapshot: m.snapshot ? snapshotToWire(m.snapshot) : undefined,
      reject: m.reject,
      rejectHint: big(m.rejectHint),
      context: m.context ?? EMPTY,
    });
  }
  return toBinary(RaftBatchSchema, batch);
}

function heartbeatFromWire(hb: CoalescedHeartbeat, type: MessageType, from: number, to: number): GroupMessage {
  const gm: GroupMessage = {
    groupId: hb.groupId,
    message: msg({ type, from, to, term: num(hb.term, 'heartbeat.term'), commit: num(hb.commit, 'heartbeat.commit'), context: hb.context.length ? hb.context : undefined }),
  };
  if (hb.quiesce && type === 'MsgHeartbeat') gm.quiesce = true;
  return gm;
}

function messageFromWire(w: RaftMessage): GroupMessage {
  const type = fromWireType.get(w.type);
  if (!type) throw new MalformedRaftBatchError(`unknown message type ${w.type}`);
  return {
    groupId: w.groupId,
    message: msg({
      type,
      to: w.to,
      from: w.from,
      term: num(w.term, 'term'),
      logTerm: num(w.logTerm, 'logTerm'),
      index: num(w.index, 'index'),
      entries: w.entries.length ? w.entries.map(entryFromWire) : entriesFromColumns(w),
      commit: num(w.commit, 'commit'),
      snapshot: w.snapshot ? snapshotFromWire(w.snapshot) : undefined,
      reject: w.reject,
      rejectHint: num(w.rejectHint, 'rejectHint'),
      context: w.context.length ? w.context : undefined,
    }),
  };
}

/** Decodes a batch; throws MalformedRaftBatchError (never applies part of a bad batch). */
export interface DecodedRaftBatch {
  fromStore: number;
  toStore: number;
  messages: GroupMessage[];
  /** Set when this batch is one piece of a larger one (see raft-fragments.ts). */
  fragment?: { id: bigint; index: number; count: number; data: Uint8Array };
}

export function decodeRaftBatch(data: Uint8Array): DecodedRaftBatch {
  let batch: RaftBatch;
  try {
    batch = fromBinary(RaftBatchSchema, data);
  } catch (err) {
    throw new MalformedRaftBatchError(`undecodable raft batch: ${(err as Error).message}`);
  }
  const { fromStore, toStore } = batch;
  if (batch.fragment) return { fromStore, toStore, messages: [], fragment: batch.fragment };
  const messages = batch.messages.map(messageFromWire);
  for (const hb of batch.heartbeats) messages.push(heartbeatFromWire(hb, 'MsgHeartbeat', fromStore, toStore));
  for (const hb of batch.heartbeatResponses) messages.push(heartbeatFromWire(hb, 'MsgHeartbeatResp', fromStore, toStore));
  return { fromStore, toStore, messages };
}
