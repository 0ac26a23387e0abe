import { create, toBinary } from '@bufbuild/protobuf';
import { RaftBatchSchema } from '@quarry/proto';
import { randomBytes } from 'node:crypto';

/** Below NATS's default 1 MiB max_payload, with room for headers. */
export const MAX_WIRE_BYTES = 900 * 1024;
const STALE_MS = 30_000;

/** Splits an encoded batch that is too big for one NATS message into fragment batches. */
export function fragment(fromStore: number, toStore: number, encoded: Uint8Array, maxBytes = MAX_WIRE_BYTES): Uint8Array[] {
  if (encoded.length <= maxBytes) return [encoded];
  const piece = maxBytes - 64;
  const count = Math.ceil(encoded.length / piece);
  const id = randomBytes(8).readBigUInt64BE(0);
  return Array.from({ length: count }, (_, index) =>
    toBinary(RaftBatchSchema, create(RaftBatchSchema, { fromStore, toStore, fragment: { id, index, count, data: encoded.subarray(index * piece, (index + 1) * piece) } })),
  );
}

interface Partial {
  parts: (Uint8Array | undefined)[];
  received: number;
  firstSeen: number;
}

/**
 * Joins fragments back into the original encoded batch. NATS may drop a fragment; an
 * incomplete assembly is discarded after a while and Raft sends the data again.
 */
export class FragmentAssembler {
  private readonly pending = new Map<string, Partial>();

  /** Returns the whole encoded batch when its last fragment arrives. */
  add(fromStore: number, f: { id: bigint; index: number; count: number; data: Uint8Array }, now = Date.now()): Uint8Array | undefined {
    for (const [k, p] of this.pending) if (now - p.firstSeen > STALE_MS) this.pending.delete(k);
    if (f.count < 1 || f.count > 100_000 || f.index >= f.count) return undefined;
    const key = `${fromStore}:${f.id}`;
    let p = this.pending.get(key);
    if (!p) this.pending.set(key, (p = { parts: new Array<Uint8Array | undefined>(f.count), received: 0, firstSeen: now }));
    if (p.parts.length !== f.count || p.parts[f.index]) return undefined;
    p.parts[f.index] = f.data;
    if (++p.received < f.count) return undefined;
    this.pending.delete(key);
    return Buffer.concat(p.parts as Uint8Array[]);
  }

  get size(): number {
    return this.pending.size;
  }
}
