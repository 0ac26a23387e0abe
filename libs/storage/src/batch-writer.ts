import { ENCODED_TERM_SIZE, TermKind } from './term-encoding/term-kind';
import type { EncodedBatch } from './encoded-batch';
import type { StorageEnv } from './lmdb-env';
import { ALL_INDEXES, INDEX_KEY_SIZE, INDEX_TERM_SIZE, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, writeVersion } from './keys';
import { resolveTermIds } from './term-dictionary';

/** Entry order key of one index: the quad's term id ranks in index order, then the op bit. */
interface SortedEntries {
  /** Per entry: 4 ranks (unused slots 0) and op (1 insert, 0 delete), in index order. */
  ranks: Uint32Array;
  ops: Uint8Array;
  count: number;
}

const MAX_EXACT = 2 ** 53;

/**
 * lmdb-js (3.5, pinned) accepts a value object exposing `buffer` (an ArrayBuffer), `start` and
 * `end`: it records only the address `address + start` (read during the put). One such window per index slides over a slab holding all of the index's values,
 * instead of one view object per entry (which costs an allocation and a GC trace per put).
 */
interface ValueWindow {
  buffer: ArrayBufferLike;
  start: number;
  end: number;
  address: number;
}

/**
 * Sorts the entries of one index. Ranks are positions of the batch's terms in id order, so
 * sorting by ranks equals sorting by key bytes (ids are stored big-endian). When the ranks fit, each entry becomes one
 * double ((r1·2^b + r2)·2^b + r3)·2 + op and a native Float64Array sort does the work
 * (~10x faster than a comparator); otherwise a comparator sort over the ranks.
 */
function sortEntries(spec: IndexSpec, quads: Uint32Array, ops: Uint8Array, termCount: number): SortedEntries {
  const n = ops.length;
  const width = spec.order.length;
  const bits = Math.max(1, Math.ceil(Math.log2(termCount + 1)));
  const ranks = new Uint32Array(n * 4);
  const outOps = new Uint8Array(n);
  if (2 ** (bits * width + 1) <= MAX_EXACT) {
    const scale = 2 ** bits;
    const composite = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let k = 0; k < width; k++) c = c * scale + quads[i * 4 + spec.order[k]];
      composite[i] = c * 2 + ops[i];
    }
    composite.sort();
    let count = 0;
    for (let i = 0; i < n; i++) {
      let c = composite[i];
      if (i > 0 && c === composite[i - 1]) continue; // duplicate quad in the batch
      // Division by powers of two is exact below 2^53 and avoids fmod.
      let q = Math.floor(c / 2);
      outOps[count] = c - q * 2;
      c = q;
      for (let k = width - 1; k >= 0; k--) {
        q = Math.floor(c / scale);
        ranks[count * 4 + k] = c - q * scale;
        c = q;
      }
      count++;
    }
    return { ranks, ops: outOps, count };
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
    for (let k = 0; k < width; k++) {
      const d = quads[a * 4 + spec.order[k]] - quads[b * 4 + spec.order[k]];
      if (d !== 0) return d;
    }
    return ops[a] - ops[b];
  });
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < width; k++) ranks[i * 4 + k] = quads[order[i] * 4 + spec.order[k]];
    outOps[i] = ops[order[i]];
  }
  return { ranks, ops: outOps, count: n };
}

/** Splits a batch's quads into default-graph and named-graph lists with their op bits, terms as id ranks. */
function partition(batch: EncodedBatch, idRank: Uint32Array): { quads: Uint32Array; ops: Uint8Array; named: boolean }[] {
  const total = (batch.inserts.length + batch.deletes.length) / 4;
  const parts = [false, true].map((named) => ({ quads: new Uint32Array(total * 4), ops: new Uint8Array(total), named, n: 0 }));
  const add = (ids: Uint32Array, op: number): void => {
    for (let i = 0; i < ids.length; i += 4) {
      const isNamed = batch.terms[ids[i + 3] * ENCODED_TERM_SIZE] !== TermKind.DefaultGraph;
      const part = parts[isNamed ? 1 : 0];
      const at = part.n * 4;
      part.quads[at] = idRank[ids[i]];
      part.quads[at + 1] = idRank[ids[i + 1]];
      part.quads[at + 2] = idRank[ids[i + 2]];
      part.quads[at + 3] = idRank[ids[i + 3]];
      part.ops[part.n++] = op;
    }
  };
  add(batch.inserts, 1);
  add(batch.deletes, 0);
  return parts.filter((p) => p.n > 0).map((p) => ({ quads: p.quads.subarray(0, p.n * 4), ops: p.ops.subarray(0, p.n), named: p.named }));
}

/**
 * Writes every index entry and new dictionary entry of the batch in one LMDB write
 * transaction. Keys go in sorted order per index (LMDB inserts in key order are ~1.6x faster).
 * Re-applying the same batch at the same timestamp writes identical duplicates: a no-op.
 *
 * - `durable` false (noSync stores): a synchronous transaction. Synchronous puts measured 15-25%
 *   less CPU than lmdb-js's asynchronous write queue, and CPU is what a busy storage node runs
 *   out of. The event loop is blocked for the batch, bounded by maxBatchQuads.
 * - `durable` true: the puts still run here, inside an lmdb-js child transaction (so a batch
 *   that throws is rolled back alone), but the commit and its fsync run on lmdb-js's writer
 *   thread. A synchronous commit kept the event loop, and with it Raft heartbeats, blocked
 *   for the fsync; on a loaded machine that cost region leaderships in the middle of a bulk load.
 */
export async function writeEncodedBatch(env: StorageEnv, region: Buffer, commitTs: bigint, batch: EncodedBatch, options: WriteOptions = {}): Promise<void> {
  const verify = options.verifyNewStrings ?? false;
  if (options.durable) await env.root.childTransaction(() => writeEntries(env, region, commitTs, batch, verify));
  else env.root.transactionSync(() => writeEntries(env, region, commitTs, batch, verify));
}

export interface WriteOptions {
  /** Check the hash of every string stored (batches from the wire). */
  verifyNewStrings?: boolean;
  /** The store fsyncs its commits: commit off the event loop. */
  durable?: boolean;
}

function writeEntries(env: StorageEnv, region: Buffer, commitTs: bigint, batch: EncodedBatch, verifyNewStrings: boolean): void {
  const versions = [Buffer.alloc(8), Buffer.alloc(8)];
  writeVersion(versions[0], 0, commitTs, false);
  writeVersion(versions[1], 0, commitTs, true);
  // Index entries order by term id, not by encoded bytes: re-rank the batch's terms by id so
  // the rank sort below still orders entries exactly as LMDB will.
  const ids = resolveTermIds(env, region, batch, verifyNewStrings);
  const { idRank, sortedIds } = rankById(ids);
  for (const part of partition(batch, idRank)) {
    for (const spec of ALL_INDEXES) {
      if (spec.namedGraphs !== part.named) continue;
      const db = env.indexes.get(spec)!;
      const { ranks, ops, count } = sortEntries(spec, part.quads, part.ops, batch.termCount);
      const width = spec.order.length;
      const slab = new Uint8Array(Math.max(count * spec.valueSize, 128)); // > 64 bytes: off-heap, never moves
      const window: ValueWindow = { buffer: slab.buffer, start: 0, end: 0, address: 0 };
      let key: Uint8Array | undefined;
      let keyRank = -1;
      for (let i = 0; i < count; i++) {
        const r0 = ranks[i * 4];
        if (r0 !== keyRank || key === undefined) {
          key = new Uint8Array(INDEX_KEY_SIZE);
          key.set(region, 0);
          writeId(key, REGION_PREFIX_SIZE, sortedIds[r0]);
          keyRank = r0;
        }
        const at = i * spec.valueSize;
        for (let k = 1; k < width; k++) writeId(slab, at + (k - 1) * INDEX_TERM_SIZE, sortedIds[ranks[i * 4 + k]]);
        slab.set(versions[ops[i]], at + spec.valueTermsSize);
        window.start = at;
        window.end = at + spec.valueSize;
        db.putSync(key as Buffer, window as unknown as Buffer);
      }
    }
  }
}

/** Ranks of the batch's terms in id order, and the ids in that order. */
function rankById(ids: Uint32Array): { idRank: Uint32Array; sortedIds: Uint32Array } {
  const n = ids.length;
  const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const idRank = new Uint32Array(n);
  const sortedIds = new Uint32Array(n);
  if (32 + bits <= 53) {
    // id · 2^bits + rank in one double: a native sort instead of a comparator
    const scale = 2 ** bits;
    const composite = new Float64Array(n);
    for (let r = 0; r < n; r++) composite[r] = ids[r] * scale + r;
    composite.sort();
    for (let i = 0; i < n; i++) {
      const id = Math.floor(composite[i] / scale);
      idRank[composite[i] - id * scale] = i;
      sortedIds[i] = id;
    }
  } else {
    const order = Array.from({ length: n }, (_, r) => r).sort((a, b) => ids[a] - ids[b]);
    order.forEach((r, i) => {
      idRank[r] = i;
      sortedIds[i] = ids[r];
    });
  }
  return { idRank, sortedIds };
}

function writeId(out: Uint8Array, offset: number, id: number): void {
  out[offset] = id >>> 24;
  out[offset + 1] = (id >>> 16) & 0xff;
  out[offset + 2] = (id >>> 8) & 0xff;
  out[offset + 3] = id & 0xff;
}
