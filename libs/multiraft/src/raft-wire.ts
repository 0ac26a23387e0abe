import { crc32c } from '@quarry/raft/log/crc32c';
import type { ConfState, Message, Snapshot } from '@quarry/raft';
import { B, EMPTY, F, toWireType, wireEntryType, type GroupMessage } from './raft-wire-format';
import { bytesFieldSize, lenFieldSize, uintFieldSize, varintSize, WireWriter } from './wire-codec';

export { MalformedRaftBatchError, type GroupMessage } from './raft-wire-format';
export { decodeRaftBatch, type DecodedRaftBatch } from './raft-wire-decode';

/*
 * RaftBatch (proto/quarry/v1/raft.proto) encoded and decoded by hand with wire-codec.ts: the
 * same bytes protobuf produces (raft-wire-codec.spec.ts checks both directions against the
 * generated schema), without a message object per field.
 */

// ---------------------------------------------------------------- encoding

function packedSize(values: readonly number[]): number {
  let n = 0;
  for (const v of values) n += varintSize(v);
  return n;
}

function confStateSize(cs: ConfState): number {
  let n = cs.autoLeave ? 2 : 0;
  for (const [field, list] of [
    [1, cs.voters],
    [2, cs.learners],
    [3, cs.votersOutgoing],
    [4, cs.learnersNext],
  ] as const)
    if (list.length) n += lenFieldSize(field, packedSize(list));
  return n;
}

function snapshotSize(s: Snapshot, crc: number): number {
  return (
    uintFieldSize(1, s.metadata.index) +
    uintFieldSize(2, s.metadata.term) +
    lenFieldSize(3, confStateSize(s.metadata.confState)) +
    bytesFieldSize(4, s.data.length) +
    uintFieldSize(5, crc)
  );
}

interface Sized {
  groupId: number;
  m: Message;
  type: number;
  size: number;
  /** Packed column sizes (terms, indexes, types) and the snapshot's size and checksum. */
  cols?: [number, number, number];
  snap?: [number, number];
}

function sizeMessage(groupId: number, m: Message, type: number): Sized {
  const s: Sized = { groupId, m, type, size: 0 };
  let n =
    uintFieldSize(F.groupId, groupId) +
    uintFieldSize(F.type, type) +
    uintFieldSize(F.to, m.to) +
    uintFieldSize(F.from, m.from) +
    uintFieldSize(F.term, m.term) +
    uintFieldSize(F.logTerm, m.logTerm) +
    uintFieldSize(F.index, m.index) +
    uintFieldSize(F.commit, m.commit) +
    (m.reject ? 2 : 0) +
    uintFieldSize(F.rejectHint, m.rejectHint) +
    bytesFieldSize(F.context, m.context?.length ?? 0);
  if (m.snapshot) {
    const crc = crc32c(m.snapshot.data);
    const size = snapshotSize(m.snapshot, crc);
    s.snap = [size, crc];
    n += lenFieldSize(F.snapshot, size);
  }
  if (m.entries.length) {
    let terms = 0;
    let indexes = 0;
    let types = 0;
    for (const e of m.entries) {
      terms += varintSize(e.term);
      indexes += varintSize(e.index);
      types += varintSize(wireEntryType[e.type]);
      n += lenFieldSize(F.entryData, e.data.length);
    }
    s.cols = [terms, indexes, types];
    n += lenFieldSize(F.entryTerms, terms) + lenFieldSize(F.entryIndexes, indexes) + lenFieldSize(F.entryTypes, types);
  }
  s.size = n;
  return s;
}

function writeSnapshot(w: WireWriter, s: Snapshot, crc: number): void {
  w.uint(1, s.metadata.index);
  w.uint(2, s.metadata.term);
  const cs = s.metadata.confState;
  w.lenPrefix(3, confStateSize(cs));
  for (const [field, list] of [
    [1, cs.voters],
    [2, cs.learners],
    [3, cs.votersOutgoing],
    [4, cs.learnersNext],
  ] as const) {
    if (!list.length) continue;
    w.lenPrefix(field, packedSize(list));
    for (const v of list) w.varint(v);
  }
  w.bool(5, cs.autoLeave);
  w.bytes(4, s.data);
  w.uint(5, crc);
}

function writeMessage(w: WireWriter, s: Sized): void {
  const m = s.m;
  w.lenPrefix(B.messages, s.size);
  w.uint(F.groupId, s.groupId);
  w.uint(F.type, s.type);
  w.uint(F.to, m.to);
  w.uint(F.from, m.from);
  w.uint(F.term, m.term);
  w.uint(F.logTerm, m.logTerm);
  w.uint(F.index, m.index);
  w.uint(F.commit, m.commit);
  if (m.snapshot && s.snap) {
    w.lenPrefix(F.snapshot, s.snap[0]);
    writeSnapshot(w, m.snapshot, s.snap[1]);
  }
  w.bool(F.reject, m.reject);
  w.uint(F.rejectHint, m.rejectHint);
  w.bytes(F.context, m.context ?? EMPTY);
  if (s.cols) {
    w.lenPrefix(F.entryTerms, s.cols[0]);
    for (const e of m.entries) w.varint(e.term);
    w.lenPrefix(F.entryIndexes, s.cols[1]);
    for (const e of m.entries) w.varint(e.index);
    w.lenPrefix(F.entryTypes, s.cols[2]);
    for (const e of m.entries) w.varint(wireEntryType[e.type]);
    for (const e of m.entries) w.bytes(F.entryData, e.data, true);
  }
}

interface SizedHeartbeat {
  groupId: number;
  m: Message;
  quiesce: boolean;
  size: number;
}

function sizeHeartbeat(groupId: number, m: Message, quiesce: boolean): SizedHeartbeat {
  const size =
    uintFieldSize(1, groupId) + uintFieldSize(2, m.term) + uintFieldSize(3, m.commit) + bytesFieldSize(4, m.context?.length ?? 0) + (quiesce ? 2 : 0);
  return { groupId, m, quiesce, size };
}

function writeHeartbeat(w: WireWriter, field: number, h: SizedHeartbeat): void {
  w.lenPrefix(field, h.size);
  w.uint(1, h.groupId);
  w.uint(2, h.m.term);
  w.uint(3, h.m.commit);
  w.bytes(4, h.m.context ?? EMPTY);
  w.bool(5, h.quiesce);
}

/** Packs the messages for one destination store into one batch, heartbeats coalesced. */
export function encodeRaftBatch(fromStore: number, toStore: number, messages: GroupMessage[]): Uint8Array {
  const full: Sized[] = [];
  const beats: SizedHeartbeat[] = [];
  const beatResponses: SizedHeartbeat[] = [];
  let size = uintFieldSize(B.fromStore, fromStore) + uintFieldSize(B.toStore, toStore);
  for (const { groupId, message: m, quiesce } of messages) {
    if (m.type === 'MsgHeartbeat' || m.type === 'MsgHeartbeatResp') {
      const h = sizeHeartbeat(groupId, m, quiesce === true && m.type === 'MsgHeartbeat');
      (m.type === 'MsgHeartbeat' ? beats : beatResponses).push(h);
      size += lenFieldSize(m.type === 'MsgHeartbeat' ? B.heartbeats : B.heartbeatResponses, h.size);
      continue;
    }
    const type = toWireType[m.type];
    if (type === undefined) continue; // local message kinds never leave the node
    const s = sizeMessage(groupId, m, type);
    full.push(s);
    size += lenFieldSize(B.messages, s.size);
  }
  const w = new WireWriter(size);
  w.uint(B.fromStore, fromStore);
  w.uint(B.toStore, toStore);
  for (const s of full) writeMessage(w, s);
  for (const h of beats) writeHeartbeat(w, B.heartbeats, h);
  for (const h of beatResponses) writeHeartbeat(w, B.heartbeatResponses, h);
  if (w.pos !== size) throw new Error(`bug: raft batch sized ${size} bytes, wrote ${w.pos}`);
  return w.buf;
}
