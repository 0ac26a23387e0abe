import { randomBytes } from 'node:crypto';
import type { RegionDescriptor } from '@quarry/proto';
import type { Quad } from '@quarry/rdf';
import { TermEncoder } from '@quarry/storage';
import { QuarryError } from '@quarry/transport';
import { lockFromError, type MetLock } from './lock-resolver';
import { StoreCommitTxn, StorePrewrite, StoreRollbackTxn } from './methods';
import { encodeBounded, partitionByRegion } from './region-batches';
import { MAX_REROUTES } from './region-writer';
import { isStaleRegion, type StoreClient } from './store-client';
import type { TxnDecisions } from './txn-decisions';

export interface TxnChange {
  inserts: readonly Quad[];
  deletes: readonly Quad[];
}

export interface TxnOutcome {
  commitTs: bigint;
  /** Names the transaction in locks, decisions and the change feed (empty when nothing was written). */
  txId: string;
  regions: number;
}

/** Moments of a two-phase commit a fault-injection test may stop the process at. */
export type TxnFaultPoint = 'prewritten' | 'decided';

export interface TxnCommitterOptions {
  /** How long a reader waits for an undecided transaction before rolling it back (default 5 s). */
  lockTtlMs?: number;
  /** Called at each fault point (tests kill the process there). */
  faultPoint?: (point: TxnFaultPoint, txId: string) => void;
  /** Failures the caller is not waiting for (background rollbacks, lost commit replies). */
  onBackgroundError?: (err: unknown) => void;
  /**
   * How long a write waits for another transaction's undecided lock to be decided or to expire
   * (default 0: a live lock is a write conflict at once). Load chunks wait: a chunk whose loader
   * died holds its locks until their TTL, and the resumed saga must get past them.
   */
  lockWaitMs?: number;
}

/** Locks one write may clear (each decided or expired) before giving up as a conflict. */
const MAX_LOCKS_CLEARED = 16;

/** Attempts at a one-phase write refused because a read at a later timestamp was served first. */
const MAX_COMMIT_TS_RETRIES = 8;

/**
 * Commits a change atomically with snapshot isolation (ADR 0009). A change within one region
 * that fits one batch is one Raft entry (one phase). A wider one runs two-phase commit:
 * prewrite each region's part as a lock, record the decision in the consensus service, then
 * commit each part at the commit timestamp. Readers that meet a lock resolve it by the
 * decision, so a coordinator that dies at any point leaves a transaction that ends all applied
 * or all absent. A write-write conflict aborts this transaction (ABORTED, WRITE_CONFLICT); it
 * is never retried here, because the change was computed from a snapshot that is now stale.
 */
export class TransactionCommitter {
  private readonly encoder = new TermEncoder();
  private readonly lockTtlMs: number;

  constructor(
    private readonly stores: StoreClient,
    private readonly decisions: TxnDecisions,
    private readonly opts: TxnCommitterOptions = {},
  ) {
    this.lockTtlMs = opts.lockTtlMs ?? 5000;
  }

  /** `startTs`: the snapshot the change was computed from (a fresh timestamp when it read nothing). */
  async commit(change: TxnChange, startTs?: bigint): Promise<TxnOutcome> {
    // A change that read nothing has no snapshot to protect: its start is its first commit
    // timestamp, which saves a round trip to the oracle for blind one-phase writes.
    const blind = startTs === undefined;
    const start = startTs ?? (await this.decisions.timestamp());
    if (!change.inserts.length && !change.deletes.length) return { commitTs: start, txId: '', regions: 0 };
    for (let reroutes = 0; ; reroutes++) {
      const parts = [...partitionByRegion(await this.stores.router.regions(), change.inserts, change.deletes)].map(([region, part]) => ({ region, batches: encodeBounded(this.encoder, part) }));
      try {
        if (parts.length === 1 && parts[0].batches.length === 1) return await this.onePhase(parts[0].region, parts[0].batches[0], start, blind);
        return await this.twoPhase(parts, start, blind);
      } catch (err) {
        if (!isStaleRegion(err) || reroutes >= MAX_REROUTES) throw err;
        // Wait for the map to move past the region that refused (a split or merge recording
        // its new layout), or the same layout would be tried again at once.
        const refused = parts.find((p) => String(p.region.id) === err.details.region)?.region;
        if (refused) await this.stores.router.refreshPast(refused);
        else await this.stores.router.refresh();
      }
    }
  }

  private async onePhase(region: RegionDescriptor, batch: Uint8Array, startTs: bigint, blind: boolean): Promise<TxnOutcome> {
    const txId = newTxId();
    const waitUntil = Date.now() + (this.opts.lockWaitMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      const commitTs = blind && attempt === 0 ? startTs : await this.decisions.timestamp();
      try {
        await this.stores.write(region, { regionId: region.id, commitTs, batch, startTs, txId, blind });
        return { commitTs, txId, regions: 1 };
      } catch (err) {
        const tooOld = err instanceof QuarryError && err.details.reason === 'COMMIT_TS_TOO_OLD';
        if (tooOld && attempt < MAX_COMMIT_TS_RETRIES) continue;
        const lock = lockFromError(err);
        if (!lock) throw err;
        await this.clearLock(region, lock, attempt, waitUntil);
      }
    }
  }

  /**
   * Gets an undecided lock out of a write's way: resolved by its decision (or rolled back once
   * expired); a live one is waited for until `waitUntil`, then it is a write conflict.
   */
  private async clearLock(region: RegionDescriptor, lock: MetLock, attempt: number, waitUntil: number): Promise<void> {
    if (attempt >= MAX_LOCKS_CLEARED) throw lockConflict(lock);
    for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
      if ((await this.stores.locks.resolve(region, lock)) === 'resolved') return;
      if (Date.now() >= waitUntil) throw lockConflict(lock);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  private async twoPhase(parts: { region: RegionDescriptor; batches: Uint8Array[] }[], startTs: bigint, blind: boolean): Promise<TxnOutcome> {
    const txId = newTxId();
    const regions = parts.map((p) => p.region);
    try {
      await Promise.all(parts.map(async (p) => {
        for (const batch of p.batches) await this.prewrite(p.region, txId, startTs, batch, blind);
      }));
    } catch (err) {
      await this.abort(txId, regions);
      throw err;
    }
    this.opts.faultPoint?.('prewritten', txId);
    const commitTs = await this.decisions.timestamp().catch(async (err: unknown) => {
      await this.abort(txId, regions);
      throw err;
    });
    const decision = await this.decisions.decide(txId, { state: 'committed', commitTs }).catch((err: unknown) => {
      // The compare-and-set may have landed: whatever stands is carried out by the readers.
      throw new QuarryError('UNAVAILABLE', `transaction ${txId}: outcome unknown, its decision could not be confirmed (${(err as Error).message}); read the data to find out`, true, { reason: 'OUTCOME_UNKNOWN' });
    });
    if (decision.state === 'aborted') {
      void this.rollbackAll(txId, regions);
      throw new QuarryError('ABORTED', `transaction ${txId} was rolled back by a reader: it stayed undecided longer than its lock TTL (${this.lockTtlMs} ms)`, false, { reason: 'LOCK_EXPIRED' });
    }
    this.opts.faultPoint?.('decided', txId);
    // Committed from here on, whatever happens next: a region this fails to reach is
    // committed by the next reader that meets its lock.
    const results = await Promise.allSettled(regions.map((r) => this.stores.call(StoreCommitTxn, r, { regionId: r.id, txId, commitTs })));
    const failed = results.filter((r) => r.status === 'rejected');
    // The decision is dropped in the background: the caller need not wait for housekeeping.
    if (failed.length) for (const f of failed) this.opts.onBackgroundError?.(f.reason);
    else void this.decisions.forget(txId).catch((err: unknown) => this.opts.onBackgroundError?.(err));
    return { commitTs, txId, regions: regions.length };
  }

  private async prewrite(region: RegionDescriptor, txId: string, startTs: bigint, batch: Uint8Array, blind: boolean): Promise<void> {
    const body = { regionId: region.id, txId, startTs, batch, regionVersion: region.version, lockTtlMs: this.lockTtlMs, blind };
    const waitUntil = Date.now() + (this.opts.lockWaitMs ?? 0);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.stores.call(StorePrewrite, region, body);
        return;
      } catch (err) {
        const lock = lockFromError(err);
        if (!lock) throw err;
        await this.clearLock(region, lock, attempt, waitUntil);
      }
    }
  }

  private async abort(txId: string, regions: RegionDescriptor[]): Promise<void> {
    try {
      const d = await this.decisions.decide(txId, { state: 'aborted' });
      if (d.state === 'committed') throw new Error(`transaction ${txId} is recorded as committed while aborting`);
      await this.rollbackAll(txId, regions);
    } catch (err) {
      // Whatever is left is rolled back by the readers that meet it, once its TTL is over.
      this.opts.onBackgroundError?.(err);
    }
  }

  private async rollbackAll(txId: string, regions: RegionDescriptor[]): Promise<void> {
    const results = await Promise.allSettled(regions.map((r) => this.stores.call(StoreRollbackTxn, r, { regionId: r.id, txId })));
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length) for (const f of failed) this.opts.onBackgroundError?.(f.reason);
    else await this.decisions.forget(txId).catch((err: unknown) => this.opts.onBackgroundError?.(err));
  }
}

const newTxId = (): string => randomBytes(12).toString('base64url');

function lockConflict(lock: MetLock): QuarryError {
  return new QuarryError('ABORTED', `write conflict: a quad is locked by transaction ${lock.txId}, which has not finished`, false, { reason: 'WRITE_CONFLICT', txId: lock.txId });
}
