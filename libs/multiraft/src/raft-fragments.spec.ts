import { randomBytes } from 'node:crypto';
import { msg } from '@quarry/raft';
import { describe, expect, it } from 'vitest';
import { FragmentAssembler, fragment, MAX_WIRE_BYTES } from './raft-fragments';
import { decodeRaftBatch, encodeRaftBatch } from './raft-wire';

describe('raft batch fragments', () => {
  const bigSnap = msg({
    type: 'MsgSnap',
    from: 1,
    to: 2,
    term: 3,
    snapshot: { metadata: { index: 50, term: 3, confState: { voters: [1, 2, 3], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false } }, data: randomBytes(3 * 1024 * 1024) },
  });

  it('splits a batch larger than a NATS message and joins it back in any order', () => {
    const encoded = encodeRaftBatch(1, 2, [{ groupId: 9, message: bigSnap }]);
    const pieces = fragment(1, 2, encoded);
    expect(pieces.length).toBe(Math.ceil(encoded.length / (MAX_WIRE_BYTES - 64)));
    expect(pieces.every((p) => p.length <= MAX_WIRE_BYTES)).toBe(true);
    const asm = new FragmentAssembler();
    let whole: Uint8Array | undefined;
    for (const p of [...pieces].reverse()) {
      const d = decodeRaftBatch(p);
      expect(d.messages).toEqual([]);
      whole = asm.add(d.fromStore, d.fragment!) ?? whole;
    }
    // The 3 MiB payload is compared as bytes: toEqual walks a typed array element by element,
    // which took over a minute on a busy machine.
    const [got] = decodeRaftBatch(whole!).messages;
    expect(Buffer.from(got.message.snapshot!.data).equals(bigSnap.snapshot!.data)).toBe(true);
    const withoutData = (m: typeof bigSnap): unknown => ({ ...m, snapshot: { ...m.snapshot!, data: undefined } });
    expect({ groupId: got.groupId, message: withoutData(got.message) }).toEqual({ groupId: 9, message: withoutData(bigSnap) });
    expect(asm.size).toBe(0);
  });

  it('leaves small batches alone', () => {
    const small = encodeRaftBatch(1, 2, [{ groupId: 1, message: msg({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1 }) }]);
    expect(fragment(1, 2, small)).toEqual([small]);
  });

  it('drops incomplete assemblies after a while and ignores duplicates and nonsense', () => {
    const pieces = fragment(1, 2, encodeRaftBatch(1, 2, [{ groupId: 9, message: bigSnap }]));
    const asm = new FragmentAssembler();
    const first = decodeRaftBatch(pieces[0]).fragment!;
    expect(asm.add(1, first, 0)).toBeUndefined();
    expect(asm.add(1, first, 0)).toBeUndefined(); // duplicate
    expect(asm.add(1, { ...first, index: 99, count: 2 }, 0)).toBeUndefined();
    expect(asm.size).toBe(1);
    asm.add(1, { id: 5n, index: 0, count: 2, data: new Uint8Array(1) }, 60_000);
    expect(asm.size).toBe(1); // the stale one is gone, the new one waits
  });
});
