import { ENCODED_TERM_SIZE, TermKind } from './term-encoding/term-kind';
import type { EncodedBatch } from './encoded-batch';
import type { BinaryDb, StorageEnv } from './lmdb-env';
import { ALL_INDEXES, INDEX_KEY_SIZE, INDEX_TERM_SIZE, type IndexSpec } from './index-layout';
import { REGION_PREFIX_SIZE, writeVersion } from './keys';
import { resolveTermIds } from './term-dictionary';
import { TOMBSTONE_MARK, commitSummaryValue, readCommitSummary, withCommits } from './commit-summary';
import type { PackedQuads } from './recent-inserts';

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

export interface WriteOptions {
  /** Check the hash of every string stored (batches from the wire). */
  verifyNewStrings?: boolean;
  /** The store fsyncs its commits: commit off the event loop. */
  durable?: boolean;
  /** Queue the puts to lmdb-js's writer thread instead of running them on this thread. */
  writerThread?: boolean;
  /**
   * Told the batch's inserted and deleted quads (term ids in s p o [g] order) before its index
   * entries commit: the store's recent-inserts log and marker cache (region-read-cache.ts) must
   * never miss a commit a reader can see.
   */
  beforeIndexCommit?: (inserted: PackedQuads[], deleted: PackedQuads[]) => void;
}

type PutFn = (db: BinaryDb, key: Buffer, value: Buffer) => void;

/**
 * Writes a batch: the dictionary entries of its new terms, then every index entry, in key order
 * per index (LMDB inserts in key order are ~1.6x faster). Re-applying the same batch at the
 * same timestamp writes identical duplicates: a no-op. Every check runs before the first put,
 * so a rejected batch writes nothing. The caller serializes writes (QuadStore's write queue):
 * term ids are read from the committed dictionary.
 *
 * Two commits, dictionary first. LMDB reuses a page freed by a commit only two commits later;
 * with one commit per batch, the pages each batch copies (the hashed `term2id` keys and the
 * object-first indexes touch most of theirs) could be reused only by the batch after next. The
 * dictionary commit in between lets the next batch reuse them. A crash between the two commits
 * leaves dictionary entries without quads: re-applying the batch finds them and assigns the same
 * ids, and checksums (visible quads) do not see them.
 *
 * How the puts run (DESIGN.md "Write path"):
 * - `writerThread`: queued as lmdb-js asynchronous puts; lmdb-js's writer thread runs them and
 *   commits (with fsync on a durable store). This thread is free meanwhile (a pipelined loader
 *   encodes the next batch), at about 10% more CPU in total than synchronous puts. All puts
 *   of one commit are queued in one synchronous run, so lmdb-js puts them in one transaction.
 * - otherwise synchronous puts (`putSync`, no promise or closure per put). A noSync store
 *   commits synchronously (`transactionSync`); a durable one runs the puts in an lmdb-js child
 *   transaction whose commit and fsync happen on the writer thread, so Raft heartbeats are not
 *   blocked by the fsync.
 */
export async function writeEncodedBatch(env: StorageEnv, region: Buffer, commitTs: bigint, batch: EncodedBatch, options: WriteOptions = {}): Promise<void> {
  const { ids, added } = resolveTermIds(env, region, batch, options.verifyNewStrings ?? false);
  const { idRank, sortedIds } = rankById(ids);
  const entries = sortedIndexEntries(batch, idRank);
  if (added.length > 0) {
    await commitPuts(env, options, (put) => {
      for (const t of added) {
        put(env.term2id, t.term2idKey, t.idBytes);
        put(env.id2term, t.id2termKey, t.id2termValue);
      }
    });
  }
  // the summary is read from the committed state (writes are serialized) and lands in the same
  // commit as the versions it describes
  const summary = withCommits(readCommitSummary(env, region), commitTs, batch.deletes.length > 0);
  if (options.beforeIndexCommit !== undefined) {
    const { inserted, deleted } = batchQuadTerms(entries, sortedIds);
    options.beforeIndexCommit(inserted, deleted);
  }
  await commitPuts(env, options, (put) => {
    putIndexEntries(env, region, commitTs, entries, sortedIds, put);
    put(env.commitSummary, region, commitSummaryValue(summary));
  });
}

async function commitPuts(env: StorageEnv, options: WriteOptions, write: (put: PutFn) => void): Promise<void> {
  if (options.writerThread) {
    // every put of one transaction returns the same promise: its commit
    let committed: Promise<boolean> | undefined;
    write((db, key, value) => {
      committed = db.put(key, value);
    });
    await committed;
    return;
  }
  const putSync: PutFn = (db, key, value) => {
    db.putSync(key, value);
  };
  if (options.durable) await env.root.childTransaction(() => write(putSync));
  else env.root.transactionSync(() => write(putSync));
}

/** One index's entries of a batch part, sorted. */
interface IndexEntries {
  spec: IndexSpec;
  sorted: SortedEntries;
}

function sortedIndexEntries(batch: EncodedBatch, idRank: Uint32Array): IndexEntries[] {
  const out: IndexEntries[] = [];
  for (const part of partition(batch, idRank)) {
    for (const spec of ALL_INDEXES) {
      if (spec.namedGraphs === part.named) out.push({ spec, sorted: sortEntries(spec, part.quads, part.ops, batch.termCount) });
    }
  }
  return out;
}

function putIndexEntries(env: StorageEnv, region: Buffer, commitTs: bigint, entries: IndexEntries[], sortedIds: Uint32Array, put: PutFn): void {
  const versions = [Buffer.alloc(8), Buffer.alloc(8)];
  writeVersion(versions[0], 0, commitTs, false);
  writeVersion(versions[1], 0, commitTs, true);
  for (const { spec, sorted } of entries) {
    const { ranks, ops, count } = sorted;
    const db = env.indexes.get(spec)!;
    const width = spec.order.length;
    // > 64 bytes: off-heap, never moves. lmdb-js keeps the window (and so the slab) referenced
    // until an asynchronous put is written.
    const slab = new Uint8Array(Math.max(count * spec.valueSize, 128));
    const window: ValueWindow = { buffer: slab.buffer, start: 0, end: 0, address: 0 };
    let key: Uint8Array | undefined;
    let keyRank = -1;
    for (let i = 0; i < count; i++) {
      // Version-less indexes list the quads that have an insert version; a tombstone lives
      // only in the subject-first index (DESIGN.md "MVCC").
      if (!spec.versioned && ops[i] === 0) continue;
      const r0 = ranks[i * 4];
      if (r0 !== keyRank || key === undefined) {
        key = new Uint8Array(INDEX_KEY_SIZE);
        key.set(region, 0);
        writeId(key, REGION_PREFIX_SIZE, sortedIds[r0]);
        keyRank = r0;
      }
      const at = i * spec.valueSize;
      for (let k = 1; k < width; k++) writeId(slab, at + (k - 1) * INDEX_TERM_SIZE, sortedIds[ranks[i * 4 + k]]);
      if (spec.versioned) slab.set(versions[ops[i]], at + spec.valueTermsSize);
      window.start = at;
      window.end = at + spec.valueSize;
      put(db, key as Buffer, window as unknown as Buffer);
      if (spec.versioned && ops[i] === 0) put(env.tombstoned, Buffer.concat([key, slab.subarray(at, at + spec.valueTermsSize)]), TOMBSTONE_MARK);
    }
  }
}

/** The inserted and deleted quads of a batch, as term ids in s p o [g] order (the subject-first indexes' entries). */
function batchQuadTerms(entries: IndexEntries[], sortedIds: Uint32Array): { inserted: PackedQuads[]; deleted: PackedQuads[] } {
  const inserted: PackedQuads[] = [];
  const deleted: PackedQuads[] = [];
  for (const { spec, sorted } of entries) {
    if (!spec.versioned) continue;
    const { ranks, ops, count } = sorted;
    const width = spec.order.length * INDEX_TERM_SIZE;
    let inserts = 0;
    for (let i = 0; i < count; i++) inserts += ops[i];
    // Uint8Array like the slabs: a Buffer here would make writeId polymorphic (about 5% of ingest CPU)
    const out = [new Uint8Array((count - inserts) * width), new Uint8Array(inserts * width)];
    const at = [0, 0];
    for (let i = 0; i < count; i++) {
      const op = ops[i];
      for (let k = 0; k < spec.order.length; k++) writeId(out[op], at[op] + k * INDEX_TERM_SIZE, sortedIds[ranks[i * 4 + k]]);
      at[op] += width;
    }
    inserted.push({ keys: out[1], width });
    deleted.push({ keys: out[0], width });
  }
  return { inserted, deleted };
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
