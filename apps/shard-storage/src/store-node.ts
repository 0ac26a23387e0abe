import { join } from 'node:path';
import type { OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import { ConsensusClient } from '@quarry/consensus-client';
import { ByteRateLimiter, MultiRaftHost, NatsRaftTransport, REGION_RAFT_TIMING, SnapshotPacer } from '@quarry/multiraft';
import type { RegionDescriptor } from '@quarry/proto';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import type { ServiceContext } from '@quarry/service-kit';
import { QuadStore } from '@quarry/storage';
import { NoRegionMapError, recordLayouts, RegionRouter, type RegionLayout } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { RegionCommandSchema } from '@quarry/proto';
import { CommitFence } from './region/commit-fence';
import { endOf, type RegionMeta } from './region/region-meta';
import { RegionStateMachine, type RegionApplyResult, type RegionShapeHost } from './region/region-state-machine';
import type { LockInfo } from './region/txn-locks';

export interface StoreNodeConfig {
  storeId: number;
  dataDir: string;
  consensusPeers: number[];
  tickMs: number;
  snapshotEntries: number;
  /** Keep committed changes for the change feed (published by ChangePublisher). */
  changeFeed?: boolean;
  /** Unpublished change bytes per region above which writes are refused. */
  changeFeedMaxBytes?: number;
  /** How long the region map must leave this store out of a region before its replica is destroyed. */
  removedReplicaGraceMs?: number;
  /** Bandwidth of outgoing snapshots, all regions together; 0 or unset = unlimited. */
  snapshotMaxBytesPerSec?: number;
  /** Quads of recent commits each region remembers for fast reads below its last write (QuadStore option). */
  recentInsertsPerRegion?: number;
}

/**
 * A storage node: one LMDB quad store and one Raft log shared by every region replica placed
 * here (multi-Raft). Replicas are opened as the region map in the consensus service assigns them.
 */
export class StoreNode implements OnModuleDestroy, OnApplicationShutdown, RegionShapeHost {
  readonly machines = new Map<number, RegionStateMachine>();
  private readonly fences = new Map<number, CommitFence>();
  /** Replicas the region map no longer places here, and since when (ms). */
  private readonly removedSince = new Map<number, number>();
  private removedReplicaGraceMs = 30_000;
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly ctx: ServiceContext,
    readonly storeId: number,
    readonly quads: QuadStore,
    readonly log: RaftLogEngine,
    readonly host: MultiRaftHost,
    readonly router: RegionRouter,
    readonly consensus: ConsensusClient,
    private readonly feed: { enabled: boolean; maxBytes: number } = { enabled: false, maxBytes: Infinity },
  ) {}

  static async start(ctx: ServiceContext, cfg: StoreNodeConfig): Promise<StoreNode> {
    const quads = new QuadStore({ path: join(cfg.dataDir, 'quads'), recentInsertsPerRegion: cfg.recentInsertsPerRegion });
    const log = await RaftLogEngine.open(join(cfg.dataDir, 'raft'));
    if (log.tornTail) ctx.logger.warn({ tornTail: log.tornTail }, 'raft log had a torn tail; truncated');
    const host = new MultiRaftHost({
      storeId: cfg.storeId,
      log,
      transport: new NatsRaftTransport(ctx.bus.nc, ctx.subjects.cluster, 'raft'),
      tickMs: cfg.tickMs,
      electionTick: REGION_RAFT_TIMING.electionTick,
      heartbeatTick: REGION_RAFT_TIMING.heartbeatTick,
      snapshotEntries: cfg.snapshotEntries,
      compactionLag: Math.min(5_000, Math.max(1, Math.floor(cfg.snapshotEntries / 4))),
      onSnapshotInstalled: (regionId, index) => ctx.logger.info({ regionId, index }, 'region replica installed a snapshot from its leader'),
      snapshotPacer: cfg.snapshotMaxBytesPerSec
        ? new SnapshotPacer(new ByteRateLimiter(cfg.snapshotMaxBytesPerSec), (s) => {
            ctx.logger.info({ regionId: s.groupId, toStore: s.toStore, bytes: s.bytes, ms: Math.round(s.ms), limit: cfg.snapshotMaxBytesPerSec }, 'region snapshot sent');
            void ctx.events.publish('region.snapshot-sent', { region: String(s.groupId), from: String(cfg.storeId), to: String(s.toStore), bytes: String(s.bytes), ms: String(Math.round(s.ms)), limit: String(cfg.snapshotMaxBytesPerSec) }).catch(() => undefined);
          })
        : undefined,
      logger: { debug: (m) => ctx.logger.debug(m), info: (m) => ctx.logger.debug(m), warn: (m) => ctx.logger.warn(m), error: (m) => ctx.logger.error(m) },
    });
    const consensus = new ConsensusClient(ctx.bus, ctx.subjects, { peers: cfg.consensusPeers, deadlineMs: 3000 });
    const feed = { enabled: cfg.changeFeed ?? false, maxBytes: cfg.changeFeedMaxBytes ?? 256 * 1024 * 1024 };
    const node = new StoreNode(ctx, cfg.storeId, quads, log, host, new RegionRouter(consensus), consensus, feed);
    node.removedReplicaGraceMs = cfg.removedReplicaGraceMs ?? 30_000;
    // Replicas this store held before a restart come back from its own log at once.
    // A group whose region is no longer registered in the quad store was absorbed by a merge
    // (the merge dropped the registration in the same transaction as the data): never reopen it.
    for (const groupId of log.groupIds()) {
      if (quads.hasRegion(BigInt(groupId))) await node.openRegion(groupId);
      else ctx.logger.info({ regionId: groupId }, 'not reopening a region replica that was merged away');
    }
    host.start();
    node.timer = setInterval(() => void node.syncAssignments(), 1000);
    void node.syncAssignments();
    ctx.readiness.add('regions', () => ({ ok: true, detail: `${node.machines.size} region replicas` }));
    return node;
  }

  private async openRegion(regionId: number, peers?: number[], meta?: RegionMeta): Promise<void> {
    if (this.machines.has(regionId)) return;
    const sm = new RegionStateMachine(this.quads, regionId, this, meta, this.feed.enabled);
    await sm.ensureCreated();
    this.machines.set(regionId, sm);
    await this.host.openGroup(regionId, sm, peers);
    this.ctx.logger.info({ regionId, peers }, 'region replica opened');
  }

  /** This store's replica of the region; NOT_FOUND when it hosts none. */
  machine(regionId: number): RegionStateMachine {
    const sm = this.machines.get(regionId);
    if (!sm) throw new QuarryError('NOT_FOUND', `region ${regionId} is not hosted here`);
    return sm;
  }

  /** The leader-side guard of one-phase writes against reads already served (commit-fence.ts). */
  fence(regionId: number): CommitFence {
    let f = this.fences.get(regionId);
    if (!f) this.fences.set(regionId, (f = new CommitFence(() => this.consensus.timestamp())));
    return f;
  }

  /**
   * Refuses a read at `readTs` while a transaction that may commit at or below it holds a lock
   * in the region: the reader resolves the lock (store-client's LockResolver) and reads again.
   */
  refuseIfLocked(regionId: number, readTs: bigint): void {
    const lock = this.machine(regionId).locks.blocking(readTs);
    if (lock) {
      throw new QuarryError('LOCKED', `region ${regionId}: transaction ${lock.txId} (started at ${lock.startTs}) is not decided yet`, false, lockDetails(regionId, lock));
    }
  }

  /** Refuses a write while the region's unpublished changes exceed the change feed's limit. */
  checkFeedBacklog(regionId: number): void {
    const bytes = this.machine(regionId).outbox.bytes;
    if (bytes > this.feed.maxBytes) throw new QuarryError('UNAVAILABLE', `region ${regionId}: ${bytes} bytes of changes are waiting for the change feed (limit ${this.feed.maxBytes}); is NATS JetStream up?`, true);
  }

  /** The current Raft term of this store's replica of the region. */
  term(regionId: number): number {
    return this.host.group(regionId).node.raft.term;
  }

  /**
   * Proposes a region command and turns a refusal into a typed error: STALE_EPOCH (re-route),
   * LOCKED (with the lock, to resolve), ABORTED (write conflict), INVALID_ARGUMENT.
   */
  async propose(regionId: number, op: MessageInitShape<typeof RegionCommandSchema>['op']): Promise<RegionApplyResult> {
    const result = (await this.host.propose(regionId, toBinary(RegionCommandSchema, create(RegionCommandSchema, { op })))) as RegionApplyResult;
    if (result.ok) return result;
    const region = String(regionId);
    switch (result.code) {
      case 'STALE_EPOCH':
        throw new QuarryError('STALE_EPOCH', `region ${regionId} refused the entry: ${result.error}`, false, { region });
      case 'LOCKED':
        throw new QuarryError('LOCKED', result.error ?? 'locked', false, lockDetails(regionId, result.lock!));
      case 'BUSY':
        // Retryable: the caller's client tries again with backoff until its deadline.
        throw new QuarryError('UNAVAILABLE', `region ${regionId}: ${result.error}`, true, { region, reason: 'BUSY' });
      case 'WRITE_CONFLICT':
        throw new QuarryError('ABORTED', `write conflict: ${result.error}`, false, { region, reason: 'WRITE_CONFLICT' });
      default:
        throw new QuarryError('INVALID_ARGUMENT', `region ${regionId} rejected the entry: ${result.error}`);
    }
  }

  /** Refuses with NOT_LEADER (and the leader, when known) unless this store leads the region. */
  requireLeader(regionId: number): void {
    const g = this.host.group(regionId);
    if (!g.isLeader) throw new QuarryError('NOT_LEADER', `store ${this.storeId} does not lead region ${regionId}`, true, g.leader ? { leader: String(g.leader) } : {});
  }

  membership(regionId: number): { voters: number[]; learners: number[]; votersOutgoing: number[] } {
    return this.host.group(regionId).confState;
  }

  /** The new half of a split, created while the parent applies the split entry (TiKV's way: no snapshot). */
  async openSplitRegion(regionId: number, meta: RegionMeta, voters: number[]): Promise<void> {
    // On a replay after a restart the group is already open, restored from its own log.
    if (this.machines.has(regionId)) return;
    const sm = new RegionStateMachine(this.quads, regionId, this, meta, this.feed.enabled);
    this.machines.set(regionId, sm);
    // Every replica bootstraps the group from the same state at the same index (the split's
    // data is identical everywhere), so none needs a snapshot from the new leader.
    await this.host.openGroup(regionId, sm, voters);
    this.ctx.logger.info({ regionId, voters, start: String(meta.start), end: String(meta.end) }, 'region created by a split');
  }

  async closeMergedRegion(regionId: number): Promise<void> {
    this.host.closeGroup(regionId);
    this.machines.delete(regionId);
    this.ctx.logger.info({ regionId }, 'region replica closed: merged into its neighbour');
  }

  /** Layouts of regions hosted here that the map does not know yet (a split or merge whose map update was lost). */
  private unrecordedLayouts(regions: RegionDescriptor[]): RegionLayout[] {
    const out: RegionLayout[] = [];
    for (const [id, sm] of this.machines) {
      const g = this.host.groupIds().includes(id) ? this.host.group(id) : undefined;
      const m = sm.meta;
      // Any replica's layout is a fact of the replicated log; all local ones are folded together,
      // so a split whose halves are led by different stores is recorded without a gap.
      if (!g || m.mergingInto || m.version === 0n) continue;
      const known = regions.find((r) => r.id === id);
      if (!known || known.version < m.version) out.push({ id, startHash: m.start, endHash: m.end, version: m.version, stores: g.confState.voters });
    }
    return out;
  }

  /**
   * Whether a region of the map must wait: a listed local replica still holds an older layout
   * of an overlapping range, and applying its split will create this one here.
   */
  private awaitsLocalSplit(r: RegionDescriptor, listed: Set<number>): boolean {
    const end = r.endHash === 0n ? 1n << 64n : r.endHash;
    for (const [id, sm] of this.machines) {
      if (!listed.has(id) || sm.meta.version >= r.version) continue;
      if (sm.meta.start < end && endOf(sm.meta) > r.startHash) return true;
    }
    return false;
  }

  /** Opens every region the region map places on this store (static placement until the PD moves them). */
  private async syncAssignments(): Promise<void> {
    let regions: RegionDescriptor[];
    try {
      regions = (await this.router.refresh()).regions;
    } catch (err) {
      if (!(err instanceof NoRegionMapError)) this.ctx.logger.debug({ err: (err as Error).message }, 'region map not available');
      return;
    }
    const listed = new Set(regions.filter((r) => r.stores.includes(this.storeId)).map((r) => r.id));
    for (const r of regions) {
      if (r.stores.includes(this.storeId) && !this.machines.has(r.id) && !this.awaitsLocalSplit(r, listed)) {
        // Only the initial replicas (epoch 1) bootstrap; a replica added later starts empty and
        // is filled by its leader (learner, snapshot, log).
        const meta = { start: r.startHash, end: r.endHash, version: r.version, mergingInto: 0, merged: [] };
        await this.openRegion(r.id, r.epoch === 1n ? r.stores : undefined, meta).catch((err: Error) => this.ctx.logger.error({ regionId: r.id, err: err.message }, 'cannot open region'));
      }
    }
    await this.destroyRemovedReplicas(regions);
    const layouts = this.unrecordedLayouts(regions);
    if (layouts.length) {
      await recordLayouts(this.consensus, layouts).then(
        () => this.ctx.logger.info({ regions: layouts.map((l) => l.id) }, 'recorded region layouts missing from the region map'),
        (err: Error) => this.ctx.logger.warn({ err: err.message }, 'cannot record region layouts'),
      );
    }
  }

  /**
   * Destroys the replicas the placement driver moved away from this store. A replica is gone
   * from the map only once its removal committed (the driver records the map after the
   * membership change), but the removed replica itself rarely learns of it: the leader stops
   * talking to it. So the map decides, after a grace period that outlasts any in-flight split
   * (a region the map does not know, or knows at an older range version, is never touched).
   * The quads go with the region's registration, so a restart does not reopen it either.
   */
  private async destroyRemovedReplicas(regions: RegionDescriptor[]): Promise<void> {
    const now = Date.now();
    for (const [id, sm] of [...this.machines]) {
      const r = regions.find((x) => x.id === id);
      const removed = r !== undefined && !r.stores.includes(this.storeId) && r.version >= sm.meta.version && !this.host.group(id).isLeader;
      if (!removed) {
        this.removedSince.delete(id);
        continue;
      }
      const since = this.removedSince.get(id) ?? now;
      this.removedSince.set(id, since);
      if (now - since < this.removedReplicaGraceMs) continue;
      this.host.closeGroup(id);
      this.machines.delete(id);
      this.fences.delete(id);
      this.removedSince.delete(id);
      await this.quads.dropRegion(BigInt(id));
      // After the data: a crash in between leaves only unreclaimed log records, never a
      // registered region without its log.
      await this.host.destroyGroup(id);
      this.ctx.logger.info({ regionId: id, stores: r.stores }, 'destroyed a region replica moved away from this store');
    }
  }

  /** Drain: hand every leadership held here to another replica, so writes barely pause. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    const led = this.host.groupIds().map((id) => this.host.group(id)).filter((g) => g.isLeader);
    for (const g of led) {
      const to = g.confState.voters.find((v) => v !== this.storeId);
      if (to) this.host.transferLeader(g.groupId, to);
    }
    const until = Date.now() + 2000;
    while (Date.now() < until && led.some((g) => g.isLeader)) await new Promise((r) => setTimeout(r, 20));
    const kept = led.filter((g) => g.isLeader).length;
    if (led.length) this.ctx.logger.info({ transferred: led.length - kept, kept }, 'handed region leaderships away');
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.host.stop();
    await this.log.close();
    await this.quads.close();
  }
}

/** What LOCKED carries to the client, which resolves the lock by its transaction's decision. */
function lockDetails(regionId: number, lock: LockInfo): Record<string, string> {
  return { region: String(regionId), txId: lock.txId, startTs: String(lock.startTs), ttlMs: String(lock.ttlMs) };
}
