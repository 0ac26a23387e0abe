import { crc32c } from '@quarry/raft/log/crc32c';
import { msg, type ConfState, type Entry, type EntryType, type MessageType, type Snapshot } from '@quarry/raft';
import { B, EMPTY, F, fromEntryType, fromWireType, MalformedRaftBatchError, type GroupMessage } from './raft-wire-format';
import { WIRE_LEN, WIRE_VARINT, WireFormatError, WireReader } from './wire-codec';

/** Decoding of RaftBatch (see raft-wire.ts): straight to Raft messages, every read bounds-checked. */

function entryType(code: number): EntryType {
  const type = fromEntryType.get(code);
  if (!type) throw new MalformedRaftBatchError(`unknown entry type ${code}`);
  return type;
}

/** A RaftEntry of the per-entry form older senders used. */
function readEntry(r: WireReader): Entry {
  const e: Entry = { term: 0, index: 0, type: 'normal', data: EMPTY };
  let type = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WIRE_VARINT) e.term = r.varint('entry.term');
    else if (field === 2 && wireType === WIRE_VARINT) e.index = r.varint('entry.index');
    else if (field === 3 && wireType === WIRE_VARINT) type = r.varint();
    else if (field === 4 && wireType === WIRE_LEN) e.data = r.bytes();
    else r.skip(wireType);
  }
  e.type = entryType(type);
  return e;
}

function readConfState(r: WireReader): ConfState {
  const cs: ConfState = { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) r.repeatedInto(wireType, cs.voters);
    else if (field === 2) r.repeatedInto(wireType, cs.learners);
    else if (field === 3) r.repeatedInto(wireType, cs.votersOutgoing);
    else if (field === 4) r.repeatedInto(wireType, cs.learnersNext);
    else if (field === 5 && wireType === WIRE_VARINT) cs.autoLeave = r.varint() !== 0;
    else r.skip(wireType);
  }
  return cs;
}

function readSnapshot(r: WireReader): Snapshot {
  let index = 0;
  let term = 0;
  let confState: ConfState | undefined;
  let data: Uint8Array = EMPTY;
  let crc = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1 && wireType === WIRE_VARINT) index = r.varint('snapshot.index');
    else if (field === 2 && wireType === WIRE_VARINT) term = r.varint('snapshot.term');
    else if (field === 3 && wireType === WIRE_LEN) confState = readConfState(r.nested());
    else if (field === 4 && wireType === WIRE_LEN) data = r.bytes();
    else if (field === 5 && wireType === WIRE_VARINT) crc = r.uint32();
    else r.skip(wireType);
  }
  if (crc32c(data) !== crc) throw new MalformedRaftBatchError(`snapshot at index ${index} fails its checksum`);
  return { metadata: { index, term, confState: confState ?? { voters: [], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data };
}

function readMessage(r: WireReader): GroupMessage {
  let groupId = 0;
  let type = 0;
  const fields = { to: 0, from: 0, term: 0, logTerm: 0, index: 0, commit: 0, reject: false, rejectHint: 0 };
  let context: Uint8Array = EMPTY;
  let snapshot: Snapshot | undefined;
  const legacy: Entry[] = [];
  const terms: number[] = [];
  const indexes: number[] = [];
  const types: number[] = [];
  const data: Uint8Array[] = [];
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field >= F.entryTerms && field <= F.entryTypes) r.repeatedInto(wireType, field === F.entryTerms ? terms : field === F.entryIndexes ? indexes : types);
    else if (field === F.entryData && wireType === WIRE_LEN) data.push(r.bytes());
    else if (field === F.entries && wireType === WIRE_LEN) legacy.push(readEntry(r.nested()));
    else if (field === F.snapshot && wireType === WIRE_LEN) snapshot = readSnapshot(r.nested());
    else if (field === F.context && wireType === WIRE_LEN) context = r.bytes();
    else if (wireType !== WIRE_VARINT) r.skip(wireType);
    else if (field === F.groupId) groupId = r.uint32();
    else if (field === F.type) type = r.varint();
    else if (field === F.to) fields.to = r.uint32();
    else if (field === F.from) fields.from = r.uint32();
    else if (field === F.term) fields.term = r.varint('term');
    else if (field === F.logTerm) fields.logTerm = r.varint('logTerm');
    else if (field === F.index) fields.index = r.varint('index');
    else if (field === F.commit) fields.commit = r.varint('commit');
    else if (field === F.reject) fields.reject = r.varint() !== 0;
    else if (field === F.rejectHint) fields.rejectHint = r.varint('rejectHint');
    else r.skip(wireType);
  }
  const mtype = fromWireType.get(type);
  if (!mtype) throw new MalformedRaftBatchError(`unknown message type ${type}`);
  let entries = legacy;
  if (legacy.length === 0) {
    const n = data.length;
    if (terms.length !== n || indexes.length !== n || types.length !== n) throw new MalformedRaftBatchError('entry columns differ in length');
    entries = new Array<Entry>(n);
    for (let i = 0; i < n; i++) entries[i] = { term: terms[i], index: indexes[i], type: entryType(types[i]), data: data[i] };
  }
  return { groupId, message: msg({ type: mtype, ...fields, entries, snapshot, context: context.length ? context : undefined }) };
}

function readHeartbeat(r: WireReader, type: MessageType, from: number, to: number): GroupMessage {
  let groupId = 0;
  let term = 0;
  let commit = 0;
  let context: Uint8Array = EMPTY;
  let quiesce = false;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 4 && wireType === WIRE_LEN) context = r.bytes();
    else if (wireType !== WIRE_VARINT) r.skip(wireType);
    else if (field === 1) groupId = r.uint32();
    else if (field === 2) term = r.varint('heartbeat.term');
    else if (field === 3) commit = r.varint('heartbeat.commit');
    else if (field === 5) quiesce = r.varint() !== 0;
    else r.skip(wireType);
  }
  const gm: GroupMessage = { groupId, message: msg({ type, from, to, term, commit, context: context.length ? context : undefined }) };
  if (quiesce && type === 'MsgHeartbeat') gm.quiesce = true;
  return gm;
}

function readFragment(r: WireReader): NonNullable<DecodedRaftBatch['fragment']> {
  const f = { id: 0n, index: 0, count: 0, data: EMPTY };
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 4 && wireType === WIRE_LEN) f.data = r.bytes();
    else if (wireType !== WIRE_VARINT) r.skip(wireType);
    else if (field === 1) f.id = r.varintBig();
    else if (field === 2) f.index = r.uint32();
    else if (field === 3) f.count = r.uint32();
    else r.skip(wireType);
  }
  return f;
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
  try {
    const r = new WireReader(data, 0, data.length);
    let fromStore = 0;
    let toStore = 0;
    let fragment: DecodedRaftBatch['fragment'];
    const full: WireReader[] = [];
    const beats: WireReader[] = [];
    const beatResponses: WireReader[] = [];
    while (!r.done) {
      const { field, wireType } = r.tag();
      if (wireType === WIRE_LEN && field >= B.messages && field <= B.fragment) {
        const nested = r.nested();
        if (field === B.messages) full.push(nested);
        else if (field === B.heartbeats) beats.push(nested);
        else if (field === B.heartbeatResponses) beatResponses.push(nested);
        else fragment = readFragment(nested);
      } else if (wireType === WIRE_VARINT && field === B.fromStore) fromStore = r.uint32();
      else if (wireType === WIRE_VARINT && field === B.toStore) toStore = r.uint32();
      else r.skip(wireType);
    }
    if (fragment) return { fromStore, toStore, messages: [], fragment };
    const messages = full.map(readMessage);
    for (const hb of beats) messages.push(readHeartbeat(hb, 'MsgHeartbeat', fromStore, toStore));
    for (const hb of beatResponses) messages.push(readHeartbeat(hb, 'MsgHeartbeatResp', fromStore, toStore));
    return { fromStore, toStore, messages };
  } catch (err) {
    if (err instanceof WireFormatError) throw new MalformedRaftBatchError(`undecodable raft batch: ${err.message}`);
    throw err;
  }
}
