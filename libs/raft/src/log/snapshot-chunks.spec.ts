import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../types';
import { SnapshotChecksumError } from './log-errors';
import { SnapshotReceiver, splitSnapshot, type SnapshotChunk } from './snapshot-chunks';
import { randomBytes, rng } from './testing/workload';

const CONF = { voters: [1], learners: [], votersOutgoing: [], learnersNext: [], autoLeave: false };

function snap(size: number, seed = 1): Snapshot {
  return { metadata: { index: 42, term: 3, confState: CONF }, data: randomBytes(rng(seed), size) };
}

/** Delivers chunks the way a flaky link would: the sender restarts from the receiver's offset. */
function transfer(receiver: SnapshotReceiver, chunks: SnapshotChunk[], mangle: (c: SnapshotChunk, attempt: number) => SnapshotChunk | undefined): number {
  let attempts = 0;
  for (;;) {
    const next = chunks.findIndex((c) => c.offset === receiver.nextOffset && (c.data.length > 0 || c.last));
    const chunk = mangle(chunks[next], attempts++);
    if (attempts > chunks.length * 10) throw new Error('transfer did not converge');
    if (chunk === undefined) continue; // lost in transit
    const result = receiver.accept(chunk);
    if (result.verdict === 'complete') return attempts;
  }
}

describe('chunked snapshot transfer', () => {
  it('splits into chunks with offsets and checksums, and reassembles the exact snapshot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 700 }), (size, chunkBytes) => {
        const s = snap(size, size);
        const chunks = splitSnapshot(s, chunkBytes);
        expect(chunks.length).toBe(Math.max(1, Math.ceil(size / chunkBytes)));
        expect(chunks.filter((c) => c.last)).toHaveLength(1);
        const receiver = new SnapshotReceiver();
        for (const c of chunks) receiver.accept(c);
        expect(receiver.snapshot()).toEqual(s);
      }),
    );
  });

  it('resumes from the last good offset after lost, duplicated, reordered and corrupted chunks', () => {
    const s = snap(100_000);
    const chunks = splitSnapshot(s, 4096);
    const receiver = new SnapshotReceiver();
    const rand = rng(5);
    transfer(receiver, chunks, (c, attempt) => {
      const roll = rand();
      if (roll < 0.15) return undefined; // lost
      if (roll < 0.3) {
        // a corrupted copy: one flipped bit in the payload
        const data = Uint8Array.from(c.data);
        if (data.length > 0) data[Math.floor(rand() * data.length)] ^= 1 << (attempt % 8);
        return { ...c, data };
      }
      if (roll < 0.4) return chunks[Math.floor(rand() * chunks.length)]; // duplicate / out of order
      return c;
    });
    expect(receiver.snapshot()).toEqual(s);
  });

  it('reports the verdict and the offset to resume from', () => {
    const chunks = splitSnapshot(snap(10_000), 1000);
    const receiver = new SnapshotReceiver();
    expect(receiver.accept(chunks[0])).toEqual({ verdict: 'accepted', nextOffset: 1000 });
    expect(receiver.accept(chunks[2])).toEqual({ verdict: 'out-of-order', nextOffset: 1000 });
    expect(receiver.accept(chunks[0])).toEqual({ verdict: 'duplicate', nextOffset: 1000 });
    const bad = { ...chunks[1], data: Uint8Array.from(chunks[1].data).fill(0, 0, 1) };
    expect(receiver.accept(bad).verdict).toBe('rejected');
    expect(receiver.nextOffset).toBe(1000);
    const other = splitSnapshot({ ...snap(10_000, 9), metadata: { index: 43, term: 3, confState: CONF } }, 1000);
    expect(receiver.accept(other[1])).toMatchObject({ verdict: 'rejected', reason: /different snapshot/ });
    expect(receiver.accept(chunks[1])).toEqual({ verdict: 'accepted', nextOffset: 2000 });
    expect(() => receiver.snapshot()).toThrow(/incomplete/);
  });

  it('rejects a transfer whose total checksum does not verify and installs nothing', () => {
    const s = snap(10_000);
    // A sender with a wrong idea of the total (e.g. data changed under it between chunks).
    const chunks = splitSnapshot(s, 1000).map((c) => ({ ...c, totalCrc32c: (c.totalCrc32c + 1) >>> 0 }));
    const receiver = new SnapshotReceiver();
    let last;
    for (const c of chunks) last = receiver.accept(c);
    expect(last).toMatchObject({ verdict: 'rejected', nextOffset: 0, reason: /total checksum mismatch/ });
    expect(() => receiver.snapshot()).toThrow(/incomplete/);
    // acceptOrThrow turns the rejection into an error for callers that abort the transfer.
    const strict = new SnapshotReceiver();
    for (const c of chunks.slice(0, -1)) strict.acceptOrThrow(c);
    expect(() => strict.acceptOrThrow(chunks[chunks.length - 1])).toThrow(SnapshotChecksumError);
  });
});
