import { create, toBinary } from '@bufbuild/protobuf';
import { CoalescedHeartbeatSchema, RaftBatchSchema, RaftEntryType, RaftMessageSchema, RaftMessageType } from '@quarry/proto';
import { crc32c } from '@quarry/raft/log/crc32c';
import { msg, SeededRng, type Entry, type EntryType, type Message, type MessageType } from '@quarry/raft';
import { describe, expect, it } from 'vitest';
import { decodeRaftBatch, encodeRaftBatch, MalformedRaftBatchError, type GroupMessage } from './raft-wire';

const TYPES: MessageType[] = [
  'MsgApp',
  'MsgAppResp',
  'MsgVote',
  'MsgVoteResp',
  'MsgSnap',
  'MsgHeartbeat',
  'MsgHeartbeatResp',
  'MsgTransferLeader',
  'MsgTimeoutNow',
  'MsgReadIndex',
  'MsgReadIndexResp',
  'MsgPreVote',
  'MsgPreVoteResp',
  'MsgProp',
];
const WIRE: Record<string, RaftMessageType> = {
  MsgProp: RaftMessageType.PROP,
  MsgApp: RaftMessageType.APP,
  MsgAppResp: RaftMessageType.APP_RESP,
  MsgVote: RaftMessageType.VOTE,
  MsgVoteResp: RaftMessageType.VOTE_RESP,
  MsgSnap: RaftMessageType.SNAP,
  MsgTransferLeader: RaftMessageType.TRANSFER_LEADER,
  MsgTimeoutNow: RaftMessageType.TIMEOUT_NOW,
  MsgReadIndex: RaftMessageType.READ_INDEX,
  MsgReadIndexResp: RaftMessageType.READ_INDEX_RESP,
  MsgPreVote: RaftMessageType.PRE_VOTE,
  MsgPreVoteResp: RaftMessageType.PRE_VOTE_RESP,
};
const ENTRY: Record<EntryType, RaftEntryType> = {
  normal: RaftEntryType.NORMAL,
  confChange: RaftEntryType.CONF_CHANGE,
  confChangeV2: RaftEntryType.CONF_CHANGE_V2,
};

/** Numbers of every varint length, up to 2^53. */
function num(rng: SeededRng): number {
  const bits = rng.intn(54);
  return (rng.intn(1 << 23) * 2 ** 30 + rng.intn(1 << 30)) % 2 ** bits;
}

function bytes(rng: SeededRng, max: number): Uint8Array {
  const n = rng.intn(max + 1);
  return Uint8Array.from({ length: n }, () => rng.intn(256));
}

function randomMessage(rng: SeededRng): GroupMessage {
  const type = TYPES[rng.intn(TYPES.length)];
  const entries: Entry[] =
    type === 'MsgApp' || type === 'MsgProp'
      ? Array.from({ length: rng.intn(4) }, () => ({
          term: num(rng),
          index: num(rng),
          type: (['normal', 'confChange', 'confChangeV2'] as const)[rng.intn(3)],
          data: bytes(rng, 300),
        }))
      : [];
  const list = (): number[] => Array.from({ length: rng.intn(4) }, () => rng.intn(2 ** 31));
  const m: Message = msg({
    type,
    to: rng.intn(2 ** 31),
    from: rng.intn(2 ** 31),
    term: num(rng),
    logTerm: type.startsWith('MsgHeartbeat') ? 0 : num(rng),
    index: type.startsWith('MsgHeartbeat') ? 0 : num(rng),
    commit: num(rng),
    entries,
    reject: !type.startsWith('MsgHeartbeat') && rng.intn(2) === 1,
    rejectHint: type.startsWith('MsgHeartbeat') ? 0 : num(rng),
    context: rng.intn(2) ? bytes(rng, 20) : undefined,
    snapshot:
      type === 'MsgSnap'
        ? {
            metadata: {
              index: num(rng),
              term: num(rng),
              confState: { voters: list(), learners: list(), votersOutgoing: list(), learnersNext: list(), autoLeave: rng.intn(2) === 1 },
            },
            data: bytes(rng, 2000),
          }
        : undefined,
  });
  if (m.context?.length === 0) m.context = undefined;
  const gm: GroupMessage = { groupId: rng.intn(2 ** 31), message: m };
  if (type === 'MsgHeartbeat' && rng.intn(2)) gm.quiesce = true;
  return gm;
}

/** The same batch built with the generated protobuf schema. */
function viaSchema(fromStore: number, toStore: number, gms: GroupMessage[]): Uint8Array {
  const b = create(RaftBatchSchema, { fromStore, toStore });
  for (const { groupId, message: m, quiesce } of gms) {
    const big = BigInt;
    if (m.type === 'MsgHeartbeat' || m.type === 'MsgHeartbeatResp') {
      (m.type === 'MsgHeartbeat' ? b.heartbeats : b.heartbeatResponses).push(
        create(CoalescedHeartbeatSchema, {
          groupId,
          term: big(m.term),
          commit: big(m.commit),
          context: m.context ?? new Uint8Array(0),
          quiesce: quiesce === true && m.type === 'MsgHeartbeat',
        }),
      );
      continue;
    }
    const s = m.snapshot;
    b.messages.push(
      create(RaftMessageSchema, {
        groupId,
        type: WIRE[m.type],
        to: m.to,
        from: m.from,
        term: big(m.term),
        logTerm: big(m.logTerm),
        index: big(m.index),
        commit: big(m.commit),
        reject: m.reject,
        rejectHint: big(m.rejectHint),
        context: m.context ?? new Uint8Array(0),
        entryTerms: m.entries.map((e) => big(e.term)),
        entryIndexes: m.entries.map((e) => big(e.index)),
        entryTypes: m.entries.map((e) => ENTRY[e.type]),
        entryData: m.entries.map((e) => e.data),
        snapshot: s
          ? { index: big(s.metadata.index), term: big(s.metadata.term), confState: s.metadata.confState, data: s.data, crc32c: crc32c(s.data) }
          : undefined,
      }),
    );
  }
  return toBinary(RaftBatchSchema, b);
}

describe('hand-written raft batch codec', () => {
  it('writes the bytes the generated protobuf schema writes, and reads them back, for random batches', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rng = new SeededRng(seed);
      const gms = Array.from({ length: rng.intn(6) }, () => randomMessage(rng));
      const from = rng.intn(2 ** 31);
      const to = rng.intn(2 ** 31);
      const ours = encodeRaftBatch(from, to, gms);
      const theirs = viaSchema(from, to, gms);
      expect(Buffer.from(ours).equals(Buffer.from(theirs)), `seed ${seed}`).toBe(true);
      // Heartbeats travel after the other messages, addressed by the batch's stores.
      const heartbeatsLast = [
        ...gms.filter((g) => !g.message.type.startsWith('MsgHeartbeat')),
        ...gms.filter((g) => g.message.type === 'MsgHeartbeat'),
        ...gms.filter((g) => g.message.type === 'MsgHeartbeatResp'),
      ];
      const expected = heartbeatsLast.map((g) =>
        g.message.type.startsWith('MsgHeartbeat')
          ? { ...g, message: msg({ type: g.message.type, from, to, term: g.message.term, commit: g.message.commit, context: g.message.context }) }
          : g,
      );
      expect(decodeRaftBatch(theirs), `seed ${seed}`).toEqual({ fromStore: from, toStore: to, messages: expected });
    }
  });

  it('refuses truncated and overlong input as a malformed batch, never a crash', () => {
    const rng = new SeededRng(7);
    const whole = encodeRaftBatch(
      1,
      2,
      Array.from({ length: 5 }, () => randomMessage(rng)).filter((g) => !g.message.type.startsWith('MsgHeartbeat')),
    );
    for (let cut = 1; cut < whole.length; cut += 7) {
      const r = (() => {
        try {
          return decodeRaftBatch(whole.subarray(0, cut));
        } catch (err) {
          return err;
        }
      })();
      // A cut at a field boundary is a valid shorter batch; anything else must be refused cleanly.
      if (r instanceof Error) expect(r).toBeInstanceOf(MalformedRaftBatchError);
    }
    expect(() => decodeRaftBatch(new Uint8Array([0x1a, 0x05, 0x08]))).toThrow(MalformedRaftBatchError);
    expect(() => decodeRaftBatch(new Uint8Array(Array.from({ length: 11 }, () => 0xff)))).toThrow(MalformedRaftBatchError);
  });
});
