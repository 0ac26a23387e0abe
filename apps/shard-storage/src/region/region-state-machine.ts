import { fromBinary } from '@bufbuild/protobuf';
import type { GroupStateMachine } from '@quarry/multiraft';
import { RegionCommandSchema, type CommitMergeCommand, type CommitTxnRequest, type PrepareMergeCommand, type PrewriteRequest, type SplitCommand, type WriteRequest } from '@quarry/proto';
import type { Entry } from '@quarry/raft';
import { batchQuadKeys, deserializeEncodedBatch, type QuadStore } from '@quarry/storage';
import { ChangeOutbox } from './change-outbox';
import { TxnLockTable, type LockInfo } from './txn-locks';
import { adjacent, decodeMetaChunk, encodeMetaChunk, endOf, LEGACY_META, MAX_MERGED_RANGES, metaOwns, toWireEnd, type RegionMeta } from './region-meta';

/** Scratch region ids (above every Raft group id, which are u32) used while replaying a split. */
const SCRATCH_REGION_BASE = 1n << 40n;

/** Outcome of one applied entry, handed back to the proposer. */
export interface RegionApplyResult {
  ok: boolean;
  error?: string;
  /**
   * 'STALE_EPOCH': refused because the region's range version or state changed since proposal.
   * 'LOCKED': a quad is held by another open transaction (`lock`); 'WRITE_CONFLICT': a quad has
   * a version committed after the writer's start timestamp.
   */
  code?: RefusalCode;
  lock?: LockInfo;
  /** CommitTxn / RollbackTxn: whether the transaction's lock was there. */
  found?: boolean;
  /** The region's meta after the entry (splits and merges). */
  meta?: RegionMeta;
  /** The region a split created, with its meta. */
  created?: { id: number; meta: RegionMeta; voters: number[] };
}

/** The name callers written before splits use (bench/storage). */
export type RegionWriteResult = RegionApplyResult;

/** What a region replica needs from its storage node to change shape. */
export interface RegionShapeHost {
  /** The group's membership as of this apply (deterministic: conf changes apply in log order). */
  membership(regionId: number): { voters: number[]; learners: number[]; votersOutgoing: number[] };
  /** Opens this store's replica of a region created by a split (idempotent on replay). */
  openSplitRegion(regionId: number, meta: RegionMeta, voters: number[]): Promise<void>;
  /** Closes this store's replica of a region absorbed by a merge (its data is already gone). */
  closeMergedRegion(regionId: number): Promise<void>;
}

/** BUSY: refused for now (open transactions, unpublished changes); the same request may succeed later. */
type RefusalCode = 'STALE_EPOCH' | 'INVALID' | 'LOCKED' | 'WRITE_CONFLICT' | 'BUSY';

class Refused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly lock?: LockInfo,
  ) {
    super(message);
  }
}

/**
 * One region's replica of the quad index: applies committed write batches to the local LMDB
 * store at their commit timestamp, and splits and merges at the log index where they commit.
 * Re-applying a batch (after a crash between apply and the applied-index bookkeeping) is
 * harmless: MVCC versions are keyed by commit timestamp. Every check below reads replicated
 * state only (meta, entry, membership), so all replicas accept or refuse an entry alike.
 */
export class RegionStateMachine implements GroupStateMachine {
  private current: RegionMeta;
  private snapshotWanted = false;
  private txnLocks = new TxnLockTable();
  private changeOutbox = new ChangeOutbox();
  /** Quads applied by writes and commits since this process opened the replica (not replicated). */
  writtenQuads = 0;

  constructor(
    private readonly store: QuadStore,
    readonly regionId: number,
    private readonly host?: RegionShapeHost,
    initial: RegionMeta = LEGACY_META,
    /** Keep committed changes for the change feed (QUARRY_CHANGE_FEED). */
    private readonly feed = false,
  ) {
    this.current = { ...initial };
  }

  get meta(): RegionMeta {
    return this.current;
  }

  /** Committed changes not yet confirmed published to the change feed. */
  get outbox(): ChangeOutbox {
    return this.changeOutbox;
  }

  /** Open transactions (prewritten, not yet committed or rolled back). */
  get locks(): TxnLockTable {
    return this.txnLocks;
  }

  private get key(): bigint {
    return BigInt(this.regionId);
  }

  async ensureCreated(): Promise<void> {
    if (!this.store.hasRegion(this.key)) await this.store.createRegion(this.key);
  }

  /** Asked by the host after each apply: a split or merge is snapshotted at once, so a restart never replays it. */
  takeSnapshotRequest(): boolean {
    const wanted = this.snapshotWanted;
    this.snapshotWanted = false;
    return wanted;
  }

  async apply(entries: Entry[]): Promise<RegionApplyResult[]> {
    const results: RegionApplyResult[] = [];
    for (const e of entries) {
      try {
        const cmd = fromBinary(RegionCommandSchema, e.data);
        switch (cmd.op.case) {
          case 'write':
            await this.applyWrite(cmd.op.value);
            results.push({ ok: true });
            break;
          case 'prewrite':
            this.applyPrewrite(cmd.op.value);
            results.push({ ok: true });
            break;
          case 'commitTxn':
            results.push(await this.applyCommitTxn(cmd.op.value));
            break;
          case 'rollbackTxn':
            results.push({ ok: true, found: this.txnLocks.remove(cmd.op.value.txId) !== undefined });
            break;
          case 'trimChanges':
            this.changeOutbox.trim(cmd.op.value.upToTs);
            results.push({ ok: true });
            break;
          case 'split':
            results.push(await this.applySplit(cmd.op.value));
            break;
          case 'prepareMerge':
            results.push(this.applyPrepareMerge(cmd.op.value));
            break;
          case 'commitMerge':
            results.push(await this.applyCommitMerge(cmd.op.value));
            break;
          default:
            throw new Error('empty region command');
        }
      } catch (err) {
        // Validation failures are deterministic: every replica rejects the same entry the same way.
        results.push({ ok: false, error: (err as Error).message, code: err instanceof Refused ? err.code : 'INVALID', lock: err instanceof Refused ? err.lock : undefined });
      }
    }
    return results;
  }

  private checkVersion(expected: bigint, what: string): void {
    if (this.current.mergingInto) throw new Refused('STALE_EPOCH', `${what}: region ${this.regionId} is frozen for a merge into region ${this.current.mergingInto}`);
    if (expected !== this.current.version) throw new Refused('STALE_EPOCH', `${what}: region ${this.regionId} has range version ${this.current.version}, the entry expected ${expected}`);
  }

  private async applyWrite(w: WriteRequest): Promise<void> {
    // The leader checked every subject against the range of this version when proposing.
    this.checkVersion(w.regionVersion, 'write');
    if (w.startTs > 0n) this.checkWriteConflicts(w.batch, w.startTs, '', w.blind, w.commitTs);
    const quads = await this.store.applyEncodedBatch(this.key, w.commitTs, w.batch);
    this.writtenQuads += quads;
    if (this.feed) this.changeOutbox.add(w.commitTs, w.txId, [w.batch]);
  }

  /**
   * Snapshot isolation's first-committer-wins rule, checked at apply time on replicated state
   * only, so every replica decides alike: a quad held by another open transaction, or written
   * by a transaction that committed after `startTs`, refuses the whole batch. A version at
   * exactly `commitTs` is this very write, applied before (a retried request): not a conflict.
   * A blind change (it read nothing) is only checked against locks: a newer version cannot
   * have changed what it decided, and the transaction that wrote it checked against ours.
   */
  private checkWriteConflicts(batch: Uint8Array, startTs: bigint, txId: string, blind: boolean, commitTs = 0n): string[] {
    const keys = batchQuadKeys(deserializeEncodedBatch(batch, { verifyHashes: false }));
    const held = this.txnLocks.heldByOther(keys, txId);
    if (held) throw new Refused('LOCKED', `region ${this.regionId}: a quad is locked by transaction ${held.txId}`, held);
    if (blind) return keys;
    const newest = this.store.newestVersions(this.key, batch);
    const i = newest.findIndex((ts) => ts > startTs && ts !== commitTs);
    if (i >= 0) throw new Refused('WRITE_CONFLICT', `region ${this.regionId}: a quad was written at ${newest[i]}, after this transaction's snapshot ${startTs}`);
    return keys;
  }

  private applyPrewrite(p: PrewriteRequest): void {
    this.checkVersion(p.regionVersion, 'prewrite');
    this.txnLocks.add(p, this.checkWriteConflicts(p.batch, p.startTs, p.txId, p.blind));
  }

  /** Writes the transaction's batches at its commit timestamp; a repeated commit finds no lock and changes nothing. */
  private async applyCommitTxn(c: CommitTxnRequest): Promise<RegionApplyResult> {
    const batches = this.txnLocks.remove(c.txId);
    for (const batch of batches ?? []) {
      const quads = await this.store.applyEncodedBatch(this.key, c.commitTs, batch);
      this.writtenQuads += quads;
    }
    if (batches && this.feed) this.changeOutbox.add(c.commitTs, c.txId, batches);
    return { ok: true, found: batches !== undefined };
  }

  /**
   * Locks are not carried across a change of shape: it waits until they are resolved.
   * Unpublished changes need no wait here: a split leaves them with the parent, which publishes
   * them under its own id as committed; a frozen merge source keeps publishing them, and the
   * merge is committed only once they are out (RegionAdminServer.commitMerge).
   */
  private checkNoOpenTransactions(what: 'split' | 'merge'): void {
    if (this.txnLocks.size) throw new Refused('BUSY', `region ${this.regionId} has ${this.txnLocks.size} open transaction(s); ${what} refused, retry later`);
  }

  private async applySplit(c: SplitCommand): Promise<RegionApplyResult> {
    this.checkVersion(c.expectedVersion, 'split');
    this.checkNoOpenTransactions('split');
    const m = this.current;
    if (c.splitHash <= m.start || !metaOwns(m, c.splitHash)) throw new Refused('INVALID', `split key ${c.splitHash} is not strictly inside region ${this.regionId} [${m.start}, ${endOf(m)})`);
    if (c.newRegionId < 1 || c.newRegionId === this.regionId) throw new Refused('INVALID', `bad new region id ${c.newRegionId}`);
    const members = this.host?.membership(this.regionId) ?? { voters: [], learners: [], votersOutgoing: [] };
    if (members.learners.length || members.votersOutgoing.length) throw new Refused('INVALID', `region ${this.regionId} has a membership change in progress; split refused`);
    await this.moveTail(BigInt(c.newRegionId), c.splitHash);
    const version = m.version + 1n;
    const child: RegionMeta = { start: c.splitHash, end: m.end, version, mergingInto: 0, merged: m.merged };
    this.current = { ...m, end: c.splitHash, version };
    this.snapshotWanted = true;
    await this.host?.openSplitRegion(c.newRegionId, child, members.voters);
    return { ok: true, meta: this.current, created: { id: c.newRegionId, meta: child, voters: members.voters } };
  }

  /**
   * Moves the parent's quads at or above the split key (every version) to the new region. On a
   * replay after a restart the new region already exists, restored from its own log: the tail
   * only has to leave the parent (through a scratch region).
   */
  private async moveTail(child: bigint, splitHash: bigint): Promise<void> {
    if (!this.store.hasRegion(child)) {
      await this.store.splitRegion(this.key, child, splitHash, { removeFromSource: true });
      return;
    }
    const scratch = SCRATCH_REGION_BASE + this.key;
    if (this.store.hasRegion(scratch)) await this.store.dropRegion(scratch);
    await this.store.splitRegion(this.key, scratch, splitHash, { removeFromSource: true });
    await this.store.dropRegion(scratch);
  }

  private applyPrepareMerge(c: PrepareMergeCommand): RegionApplyResult {
    if (this.current.mergingInto === c.targetRegionId) return { ok: true, meta: this.current }; // a retried prepare
    this.checkVersion(c.expectedVersion, 'prepare merge');
    this.checkNoOpenTransactions('merge');
    if (c.targetRegionId < 1 || c.targetRegionId === this.regionId) throw new Refused('INVALID', `bad merge target ${c.targetRegionId}`);
    // The version bump makes every write proposed before the freeze fail its apply-time check.
    this.current = { ...this.current, version: this.current.version + 1n, mergingInto: c.targetRegionId };
    this.snapshotWanted = true;
    return { ok: true, meta: this.current };
  }

  private async applyCommitMerge(c: CommitMergeCommand): Promise<RegionApplyResult> {
    this.checkVersion(c.expectedVersion, 'commit merge');
    const source = { start: c.sourceStartHash, end: c.sourceEndHash };
    if (c.sourceRegionId < 1 || c.sourceRegionId === this.regionId) throw new Refused('INVALID', `bad merge source ${c.sourceRegionId}`);
    if (!adjacent(this.current, source)) throw new Refused('INVALID', `region ${c.sourceRegionId} is not adjacent to region ${this.regionId}`);
    // The source's visible quads, written at the merge timestamp (replaying this is harmless:
    // the same batch at the same timestamp writes the same versions).
    if (c.sourceData.length) await this.store.applyEncodedBatch(this.key, c.mergeTs, c.sourceData);
    const m = this.current;
    const version = (m.version > c.sourceVersion ? m.version : c.sourceVersion) + 1n;
    const merged = [...m.merged, { start: source.start, end: source.end, ts: c.mergeTs }].slice(-MAX_MERGED_RANGES);
    const end = toWireEnd(endOf(m) > endOf(source) ? endOf(m) : endOf(source));
    this.current = { start: m.start < source.start ? m.start : source.start, end, version, mergingInto: 0, merged };
    this.snapshotWanted = true;
    // Closed before its data goes, so no request is served from a half-dropped region.
    await this.host?.closeMergedRegion(c.sourceRegionId);
    if (this.store.hasRegion(BigInt(c.sourceRegionId))) await this.store.dropRegion(BigInt(c.sourceRegionId));
    return { ok: true, meta: this.current };
  }

  /** Meta chunk, then the store's snapshot stream; each chunk behind a 4-byte length. */
  async snapshot(): Promise<Uint8Array> {
    await this.ensureCreated();
    const parts: Uint8Array[] = [];
    const push = (c: Uint8Array): void => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(c.length);
      parts.push(len, c);
    };
    push(encodeMetaChunk(this.current));
    push(this.txnLocks.encode());
    push(this.changeOutbox.encode());
    for await (const c of this.store.snapshot(this.key)) push(c);
    return Buffer.concat(parts);
  }

  async restore(data: Uint8Array): Promise<void> {
    const chunks = splitChunks(data);
    const meta = chunks.length ? decodeMetaChunk(chunks[0]) : undefined;
    let rest = meta ? chunks.slice(1) : chunks;
    // Snapshots taken before transactions and the change feed existed have no such chunks.
    const take = <T>(isChunk: (c: Uint8Array) => boolean, decode: (c: Uint8Array) => T, empty: () => T): T => {
      if (!meta || !rest.length || !isChunk(rest[0])) return empty();
      const value = decode(rest[0]);
      rest = rest.slice(1);
      return value;
    };
    const locks = take(TxnLockTable.isChunk, TxnLockTable.decode, () => new TxnLockTable());
    const outbox = take(ChangeOutbox.isChunk, ChangeOutbox.decode, () => new ChangeOutbox());
    await this.store.restoreSnapshot(this.key, rest); // validated, then swapped in atomically
    if (meta) this.current = meta;
    this.txnLocks = locks;
    this.changeOutbox = outbox;
  }
}

export function splitChunks(data: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.length);
  const chunks: Uint8Array[] = [];
  for (let off = 0; off < buf.length; ) {
    if (off + 4 > buf.length) throw new Error('region snapshot: truncated chunk header');
    const len = buf.readUInt32BE(off);
    if (off + 4 + len > buf.length) throw new Error('region snapshot: truncated chunk');
    chunks.push(buf.subarray(off + 4, off + 4 + len));
    off += 4 + len;
  }
  return chunks;
}
