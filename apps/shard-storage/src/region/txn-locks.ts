import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { RegionLocksSchema, type PrewriteRequest } from '@quarry/proto';
import { batchQuadKeys, deserializeEncodedBatch } from '@quarry/storage';

/** What a reader or writer needs to resolve a lock it met (ADR 0009). */
export interface LockInfo {
  txId: string;
  startTs: bigint;
  ttlMs: number;
}

interface TxnLock extends LockInfo {
  prewrites: PrewriteRequest[];
  quadKeys: string[];
}

const MAGIC = Buffer.from('QRL1');

/**
 * The open (prewritten, undecided) transactions of one region replica: their batches, held
 * until CommitTxn writes them at the commit timestamp or RollbackTxn drops them, and which
 * quads each one holds. Replicated state: changed only by applying Raft entries, carried in
 * snapshots.
 */
export class TxnLockTable {
  private readonly locks = new Map<string, TxnLock>();
  /** quad key (batchQuadKeys) -> transaction holding it */
  private readonly holders = new Map<string, string>();

  get size(): number {
    return this.locks.size;
  }

  has(txId: string): boolean {
    return this.locks.has(txId);
  }

  /** A lock of another transaction than `txId` holding one of `quadKeys`. */
  heldByOther(quadKeys: readonly string[], txId = ''): LockInfo | undefined {
    for (const k of quadKeys) {
      const holder = this.holders.get(k);
      if (holder !== undefined && holder !== txId) return info(this.locks.get(holder)!);
    }
    return undefined;
  }

  /** Adds one prewritten batch to its transaction's lock; a repeated prewrite changes nothing. */
  add(p: PrewriteRequest, quadKeys: readonly string[]): void {
    let lock = this.locks.get(p.txId);
    if (lock?.prewrites.some((q) => Buffer.from(q.batch).equals(Buffer.from(p.batch)))) return;
    if (!lock) this.locks.set(p.txId, (lock = { txId: p.txId, startTs: p.startTs, ttlMs: p.lockTtlMs, prewrites: [], quadKeys: [] }));
    lock.prewrites.push(p);
    for (const k of quadKeys) {
      lock.quadKeys.push(k);
      this.holders.set(k, p.txId);
    }
  }

  /** Removes a transaction's lock; returns its batches (undefined when there was none). */
  remove(txId: string): Uint8Array[] | undefined {
    const lock = this.locks.get(txId);
    if (!lock) return undefined;
    this.locks.delete(txId);
    for (const k of lock.quadKeys) if (this.holders.get(k) === txId) this.holders.delete(k);
    return lock.prewrites.map((p) => p.batch);
  }

  /**
   * The oldest lock a read at `readTs` must wait for: one that started at or before it may
   * still commit at or before it. Locks that started later commit later too, so they are invisible.
   */
  blocking(readTs: bigint): LockInfo | undefined {
    let oldest: TxnLock | undefined;
    for (const lock of this.locks.values()) if (lock.startTs <= readTs && (!oldest || lock.startTs < oldest.startTs)) oldest = lock;
    return oldest && info(oldest);
  }

  encode(): Buffer {
    const prewrites = [...this.locks.values()].flatMap((l) => l.prewrites);
    return Buffer.concat([MAGIC, toBinary(RegionLocksSchema, create(RegionLocksSchema, { prewrites }))]);
  }

  static isChunk(chunk: Uint8Array): boolean {
    return chunk.length >= MAGIC.length && Buffer.from(chunk.buffer, chunk.byteOffset, MAGIC.length).equals(MAGIC);
  }

  static decode(chunk: Uint8Array): TxnLockTable {
    const table = new TxnLockTable();
    for (const p of fromBinary(RegionLocksSchema, chunk.subarray(MAGIC.length)).prewrites) {
      table.add(p, batchQuadKeys(deserializeEncodedBatch(p.batch, { verifyHashes: false })));
    }
    return table;
  }
}

function info(l: TxnLock): LockInfo {
  return { txId: l.txId, startTs: l.startTs, ttlMs: l.ttlMs };
}
