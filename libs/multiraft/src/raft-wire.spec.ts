import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { RaftBatchSchema, RaftEntryType, RaftMessageType } from '@quarry/proto';
import { msg, type Message } from '@quarry/raft';
import { describe, expect, it } from 'vitest';
import { decodeRaftBatch, encodeRaftBatch, MalformedRaftBatchError } from './raft-wire';

describe('raft wire format', () => {
  it('round-trips every field, entries and snapshots', () => {
    const app: Message = msg({
      type: 'MsgApp',
      from: 1,
      to: 2,
      term: 7,
      logTerm: 6,
      index: 41,
      commit: 40,
      entries: [
        { term: 7, index: 42, type: 'normal', data: new Uint8Array([1, 2, 3]) },
        { term: 7, index: 43, type: 'confChangeV2', data: new Uint8Array([9]) },
      ],
    });
    const snap: Message = msg({
      type: 'MsgSnap',
      from: 1,
      to: 2,
      term: 7,
      snapshot: { metadata: { index: 100, term: 6, confState: { voters: [1, 2, 3], learners: [4], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: new Uint8Array([5, 5]) },
    });
    const rej: Message = msg({ type: 'MsgAppResp', from: 1, to: 2, term: 7, index: 9, reject: true, rejectHint: 8, logTerm: 3 });
    const out = decodeRaftBatch(encodeRaftBatch(1, 2, [
      { groupId: 10, message: app },
      { groupId: 11, message: snap },
      { groupId: 12, message: rej },
    ]));
    expect(out.fromStore).toBe(1);
    expect(out.toStore).toBe(2);
    expect(out.messages).toEqual([
      { groupId: 10, message: app },
      { groupId: 11, message: snap },
      { groupId: 12, message: rej },
    ]);
  });

  it('coalesces heartbeats of many groups into compact records and expands them back', () => {
    const hbs = Array.from({ length: 1000 }, (_, g) => ({ groupId: g + 1, message: msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: 5, commit: 77 }) }));
    const bytes = encodeRaftBatch(3, 1, hbs);
    expect(bytes.length / hbs.length).toBeLessThan(12);
    const out = decodeRaftBatch(bytes);
    expect(out.messages).toEqual(hbs);
  });

  it('carries the quiesce flag on heartbeats only, and empty batches as store heartbeats', () => {
    const hb = { groupId: 4, message: msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: 5, commit: 77 }), quiesce: true };
    const plain = { groupId: 5, message: msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: 5, commit: 70 }) };
    const resp = { groupId: 6, message: msg({ type: 'MsgHeartbeatResp', from: 3, to: 1, term: 5 }), quiesce: true };
    const out = decodeRaftBatch(encodeRaftBatch(3, 1, [hb, plain, resp]));
    expect(out.messages).toEqual([hb, plain, { groupId: 6, message: resp.message }]);
    const empty = decodeRaftBatch(encodeRaftBatch(3, 1, []));
    expect(empty).toEqual({ fromStore: 3, toStore: 1, messages: [] });
  });

  it('rejects garbage and out-of-range numbers as a whole batch', () => {
    expect(() => decodeRaftBatch(new Uint8Array([0xff, 0xff, 0xff, 0x01]))).toThrow(MalformedRaftBatchError);
    const huge = create(RaftBatchSchema, { fromStore: 1, toStore: 2, messages: [{ groupId: 1, type: RaftMessageType.VOTE, from: 1, to: 2, term: 2n ** 60n }] });
    expect(() => decodeRaftBatch(toBinary(RaftBatchSchema, huge))).toThrow(/term out of range/);
    const unknownType = create(RaftBatchSchema, { fromStore: 1, toStore: 2, messages: [{ groupId: 1, type: 99 as RaftMessageType, from: 1, to: 2 }] });
    expect(() => decodeRaftBatch(toBinary(RaftBatchSchema, unknownType))).toThrow(/unknown message type/);
  });

  it('sends entries as columns, still reads the per-entry form, and refuses ragged columns', () => {
    const entries = [
      { term: 7, index: 42, type: 'normal' as const, data: new Uint8Array([1, 2, 3]) },
      { term: 7, index: 43, type: 'confChange' as const, data: new Uint8Array([4]) },
    ];
    const sent = fromBinary(RaftBatchSchema, encodeRaftBatch(1, 2, [{ groupId: 1, message: msg({ type: 'MsgApp', from: 1, to: 2, term: 7, logTerm: 7, index: 41, entries }) }]));
    expect(sent.messages[0].entries).toEqual([]);
    expect(sent.messages[0].entryIndexes).toEqual([42n, 43n]);
    const legacy = create(RaftBatchSchema, {
      fromStore: 1,
      toStore: 2,
      messages: [
        {
          groupId: 1,
          type: RaftMessageType.APP,
          from: 1,
          to: 2,
          term: 7n,
          logTerm: 7n,
          index: 41n,
          entries: entries.map((e) => ({ term: BigInt(e.term), index: BigInt(e.index), type: e.type === 'normal' ? RaftEntryType.NORMAL : RaftEntryType.CONF_CHANGE, data: e.data })),
        },
      ],
    });
    expect(decodeRaftBatch(toBinary(RaftBatchSchema, legacy)).messages[0].message.entries).toEqual(entries);
    const ragged = create(RaftBatchSchema, {
      fromStore: 1,
      toStore: 2,
      messages: [{ groupId: 1, type: RaftMessageType.APP, from: 1, to: 2, term: 7n, entryTerms: [7n], entryIndexes: [42n, 43n], entryTypes: [RaftEntryType.NORMAL], entryData: [new Uint8Array([1])] }],
    });
    expect(() => decodeRaftBatch(toBinary(RaftBatchSchema, ragged))).toThrow(MalformedRaftBatchError);
  });

  it('refuses a snapshot whose data does not match its checksum', () => {
    const snap = create(RaftBatchSchema, {
      fromStore: 1,
      toStore: 2,
      messages: [{ groupId: 1, type: RaftMessageType.SNAP, from: 1, to: 2, term: 3n, snapshot: { index: 9n, term: 3n, data: new Uint8Array([1, 2, 3]), crc32c: 12345 } }],
    });
    expect(() => decodeRaftBatch(toBinary(RaftBatchSchema, snap))).toThrow(/fails its checksum/);
  });

  it('never sends local message kinds', () => {
    const out = decodeRaftBatch(encodeRaftBatch(1, 2, [{ groupId: 1, message: msg({ type: 'MsgHup', from: 1, to: 2 }) }]));
    expect(out.messages).toEqual([]);
  });
});
