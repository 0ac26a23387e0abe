import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { RegionDescriptor } from '@quarry/proto';
import { backoffDelay, sleep, NoRespondersError, QuarryError, RemoteError, type Bus, type RpcMethod } from '@quarry/transport';
import { LockResolver, lockFromError } from './lock-resolver';
import { TxnDecisions } from './txn-decisions';
import { storeSubject, StoreCommitTxn, StoreRollbackTxn, StoreChangePeers, StoreCommitMerge, StoreEstimate, StorePrepareMerge, StoreRegionStatus, StoreScan, StoreSplitRegion, StoreTransferLeader, StoreWrite } from './methods';
import type { RegionRouter } from './region-router';

/** Longer than the longest lock TTL a store accepts (txn-server.ts MAX_LOCK_TTL_MS, 60 s). */
const DEFAULT_LOCK_WAIT_MS = 75_000;

export interface StoreClientOptions {
  cluster: string;
  timeoutMs?: number;
  /** Total time one call may spend finding a region's leader. */
  deadlineMs?: number;
  /**
   * How long a read waits for a live transaction's lock before giving up (default 75 s: longer
   * than the longest lock TTL a store accepts, 60 s, so an abandoned lock expires first).
   */
  lockWaitMs?: number;
}

/** Whether an error means the caller's region layout is stale: re-route with a fresh map and retry. */
export function isStaleRegion(err: unknown): err is QuarryError {
  return err instanceof QuarryError && err.code === 'STALE_EPOCH';
}

/**
 * Calls a region's leader: follows NOT_LEADER hints, moves to the next replica when one is
 * down, gives up at the deadline with UNAVAILABLE naming the region. A STALE_EPOCH answer (the
 * region split or merged since the caller routed) is thrown at once: the caller must re-route,
 * which RegionWriter and RegionScanner do.
 */
export class StoreClient {
  private resolver?: LockResolver;

  constructor(
    private readonly bus: Bus,
    readonly router: RegionRouter,
    private readonly opts: StoreClientOptions,
  ) {}

  async call<Req extends DescMessage, Res extends DescMessage>(
    method: RpcMethod<Req, Res>,
    region: RegionDescriptor,
    body: MessageInitShape<Req>,
    signal?: AbortSignal,
  ): Promise<MessageShape<Res>> {
    const deadline = Date.now() + (this.opts.deadlineMs ?? 10_000);
    let last: unknown;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      signal?.throwIfAborted();
      let moved = false;
      let notFound = 0;
      const candidates = this.router.candidates(region);
      for (const storeId of candidates) {
        try {
          const reply = await this.bus.request(method, storeSubject(this.opts.cluster, storeId, method.name), body, {
            timeoutMs: Math.min(this.opts.timeoutMs ?? 5000, Math.max(1, deadline - Date.now())),
            backoff: { attempts: 1, baseMs: 0, maxMs: 0 },
          });
          this.router.noteLeader(region.id, storeId);
          return reply;
        } catch (err) {
          last = err;
          if (isStaleRegion(err)) throw err;
          if (err instanceof QuarryError && err.code === 'NOT_FOUND') notFound++;
          if (err instanceof RemoteError && err.code === 'NOT_LEADER' && err.details.leader) {
            const hint = Number(err.details.leader);
            if (region.stores.includes(hint) && hint !== storeId) {
              this.router.noteLeader(region.id, hint);
              moved = true;
              break;
            }
            continue;
          }
          const retryable = err instanceof NoRespondersError || (err instanceof QuarryError && (err.retryable || err.code === 'NOT_FOUND'));
          if (!retryable) throw err;
        }
      }
      if (notFound === candidates.length && candidates.length > 0) {
        // No replica hosts it: merged away (or not created yet). Stale if the map moved on.
        const now = (await this.router.refresh()).regions.find((r) => r.id === region.id);
        if (!now || now.version !== region.version) {
          throw new QuarryError('STALE_EPOCH', `region ${region.id} (version ${region.version}) no longer exists in that form`, false, { region: String(region.id) });
        }
      }
      if (!moved) await sleep(backoffDelay(Math.min(attempt, 6), { attempts: 0, baseMs: 25, maxMs: 400 }));
    }
    throw new QuarryError('UNAVAILABLE', `region ${region.id} has no reachable leader: ${(last as Error)?.message ?? 'no reply'}`);
  }

  /** Resolves the locks of transactions met by reads and writes (ADR 0009). */
  get locks(): LockResolver {
    this.resolver ??= new LockResolver(
      new TxnDecisions(this.router.consensus),
      (r, txId, commitTs) => this.call(StoreCommitTxn, r, { regionId: r.id, txId, commitTs }),
      (r, txId) => this.call(StoreRollbackTxn, r, { regionId: r.id, txId }),
    );
    return this.resolver;
  }

  /**
   * A read through the region's leader: like call, but a LOCKED answer (a transaction that may
   * commit at or below the read timestamp holds a lock) is resolved, waiting while that
   * transaction is alive, and the read asked again.
   */
  async read<Req extends DescMessage, Res extends DescMessage>(method: RpcMethod<Req, Res>, region: RegionDescriptor, body: MessageInitShape<Req>, signal?: AbortSignal): Promise<MessageShape<Res>> {
    const deadline = Date.now() + (this.opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call(method, region, body, signal);
      } catch (err) {
        const lock = lockFromError(err);
        if (!lock) throw err;
        if (Date.now() > deadline) throw new QuarryError('UNAVAILABLE', `region ${region.id}: transaction ${lock.txId} still holds a lock after ${this.opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS} ms; retry`, true);
        if ((await this.locks.resolve(region, lock)) === 'pending') await sleep(backoffDelay(Math.min(attempt, 5), { attempts: 0, baseMs: 5, maxMs: 100 }));
      }
    }
  }

  // Scans, estimates and writes carry the range version the caller routed with (from the
  // descriptor unless given), so a store can refuse a request routed with an old layout.
  scan(region: RegionDescriptor, body: MessageInitShape<typeof StoreScan.request>, signal?: AbortSignal) {
    return this.read(StoreScan, region, { ...body, regionVersion: body.regionVersion ?? region.version }, signal);
  }

  estimate(region: RegionDescriptor, body: MessageInitShape<typeof StoreEstimate.request>) {
    return this.call(StoreEstimate, region, { ...body, regionVersion: body.regionVersion ?? region.version });
  }

  write(region: RegionDescriptor, body: MessageInitShape<typeof StoreWrite.request>) {
    return this.call(StoreWrite, region, { ...body, regionVersion: body.regionVersion ?? region.version });
  }

  /** Splits a region through its leader (split hash 0 = at the median subject hash). */
  splitRegion(region: RegionDescriptor, splitHash = 0n) {
    return this.call(StoreSplitRegion, region, { regionId: region.id, splitHash, regionVersion: region.version });
  }

  prepareMerge(source: RegionDescriptor, targetId: number) {
    return this.call(StorePrepareMerge, source, { sourceRegionId: source.id, targetRegionId: targetId });
  }

  commitMerge(target: RegionDescriptor, sourceId: number) {
    return this.call(StoreCommitMerge, target, { sourceRegionId: sourceId, targetRegionId: target.id });
  }

  changePeers(region: RegionDescriptor, body: MessageInitShape<typeof StoreChangePeers.request>) {
    return this.call(StoreChangePeers, region, body);
  }

  transferLeader(region: RegionDescriptor, toStore: number) {
    return this.call(StoreTransferLeader, region, { regionId: region.id, toStore });
  }

  /** One specific store, not routed: for state that lives on one replica (a scan cursor). */
  callStore<Req extends DescMessage, Res extends DescMessage>(method: RpcMethod<Req, Res>, storeId: number, body: MessageInitShape<Req>, signal?: AbortSignal): Promise<MessageShape<Res>> {
    signal?.throwIfAborted();
    return this.bus.request(method, storeSubject(this.opts.cluster, storeId, method.name), body, { timeoutMs: this.opts.timeoutMs ?? 5000 });
  }

  /** Status of one specific replica (not routed to the leader). */
  replicaStatus(storeId: number, regionId: number, detail: { counts?: boolean; checksum?: boolean } = {}) {
    const body = { regionId, withCounts: detail.counts ?? false, withChecksum: detail.checksum ?? false };
    return this.bus.request(StoreRegionStatus, storeSubject(this.opts.cluster, storeId, StoreRegionStatus.name), body, { timeoutMs: this.opts.timeoutMs ?? 5000 });
  }
}
