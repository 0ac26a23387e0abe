import type { RegionDescriptor } from '@quarry/proto';
import { PeerChangeType } from '@quarry/proto';
import type { ServiceContext } from '@quarry/service-kit';
import type { ConsensusClient } from '@quarry/consensus-client';
import { storesBeingRemoved, type StoreClient } from '@quarry/store-client';
import { ServiceDirectory } from '@quarry/transport';
import type { ActiveDuty } from '../leadership/pd-leadership';
import type { RegionMapStore } from './region-map-store';
import { leaderHoldings, planBalanceMove, replicaHoldings } from './balance-planner';
import type { RegionSizer, ReplicaMover } from './region-sizer';
import { StoreLiveness } from './store-liveness';

export interface RepairConfig {
  storeDownTimeoutMs: number;
  replicas: number;
  intervalMs: number;
  /** Least time between two balancing moves (a rate limit: moves copy data and cost elections). */
  balanceIntervalMs?: number;
  /** Size and load gaps between stores under this share of the mean store's are left alone (default 0.2). */
  balanceTolerance?: number;
}

/** Stores whose data differ by fewer quads than this are even enough: moving a region costs more than it gains. */
const MIN_SIZE_GAP_QUADS = 1000;
/** Leaders whose stores take writes within this many quads per second of each other are even enough. */
const MIN_LOAD_GAP_QPS = 50;

/**
 * The placement driver's scheduler, one operation at a time, and balancing moves at most one
 * per QUARRY_BALANCE_INTERVAL_MS (rate limits that keep repairs and moves from starving user
 * traffic; repairs are not delayed). Repair first: rebuild the replicas of a dead (or
 * decommissioned) store elsewhere: add a learner on a live store, wait until it has
 * caught up, then promote it and remove the dead replica in one joint membership change.
 * Every step is recorded in the region map (epoch bumped) and as a cluster event. Then sizes
 * (RegionSizer: split big regions, merge small neighbours, moving replicas through this
 * scheduler to bring neighbours together), then balance (balance-planner.ts): replica counts,
 * leader counts, then stores' data sizes and leaders' write load.
 */
export class RegionScheduler implements ActiveDuty, ReplicaMover {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly liveness: StoreLiveness;
  private removing = new Set<number>();
  private lastBalanceMove = 0;
  readonly repaired: number[] = [];

  constructor(
    private readonly ctx: ServiceContext,
    private readonly maps: RegionMapStore,
    private readonly stores: StoreClient,
    private readonly consensus: ConsensusClient,
    private readonly cfg: RepairConfig,
    private readonly sizer?: RegionSizer,
  ) {
    this.liveness = new StoreLiveness(cfg.storeDownTimeoutMs);
    sizer?.useMover(this);
  }

  balanceWaitMs(): number {
    return Math.max(0, this.lastBalanceMove + (this.cfg.balanceIntervalMs ?? 0) - Date.now());
  }

  /** A replica move under the balancing rate limit: the interval counts from the end of the move. */
  async balancingMove(region: RegionDescriptor, from: number, to: number, event: string, detail: Record<string, string> = {}): Promise<void> {
    this.lastBalanceMove = Date.now();
    try {
      await this.moveReplica(region, from, to, event, detail);
    } finally {
      this.lastBalanceMove = Date.now();
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.round(), this.cfg.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const current = await this.maps.read();
      if (!current) return;
      const statuses = await new ServiceDirectory(this.ctx.bus, this.ctx.subjects).status();
      const storeOf = (labels: Record<string, string>): number => Number(labels.store_id ?? 0);
      const known = statuses.filter((s) => s.instance.role === 'shard-storage').map((s) => storeOf(s.instance.labels)).filter((id) => id > 0);
      const healthy = statuses.filter((s) => s.instance.role === 'shard-storage' && s.state === 'healthy').map((s) => storeOf(s.instance.labels)).filter((id) => id > 0);
      this.liveness.observe(healthy, [...known, ...current.map.regions.flatMap((r) => r.stores)]);
      this.removing = await storesBeingRemoved(this.consensus);
      const broken = current.map.regions.find((r) => r.stores.some((s) => this.mustLeave(s)));
      if (broken) await this.repair(broken);
      else if (!(await this.sizer?.maybeRun(current.map.regions))) await this.balance(current.map);
    } catch (err) {
      this.ctx.logger.warn({ err: (err as Error).message }, 'repair round failed; will retry');
    } finally {
      this.running = false;
    }
  }

  /** Dead stores, and live ones being decommissioned, give their replicas up. */
  private mustLeave(store: number): boolean {
    return this.liveness.isDown(store) || this.removing.has(store);
  }

  private replicaCounts(map: { regions: RegionDescriptor[] }): Map<number, number> {
    const load = new Map<number, number>();
    for (const s of this.liveness.healthy()) if (!this.removing.has(s)) load.set(s, 0);
    for (const r of map.regions) for (const s of r.stores) if (load.has(s)) load.set(s, load.get(s)! + 1);
    return load;
  }

  private async repair(region: RegionDescriptor): Promise<void> {
    const dead = region.stores.find((s) => this.mustLeave(s))!;
    const load = this.replicaCounts((await this.maps.read())!.map);
    const target = [...load.keys()].filter((s) => !region.stores.includes(s)).sort((a, b) => load.get(a)! - load.get(b)! || a - b)[0];
    if (target === undefined) {
      this.ctx.logger.warn({ regionId: region.id, dead }, 'no live store to rebuild the replica on');
      return;
    }
    this.ctx.logger.info({ regionId: region.id, dead, target }, 'repairing region: rebuilding the replica of a dead store');
    await this.moveReplica(region, dead, target, 'region.repaired');
  }

  /**
   * Balance, after repairs and sizes, one move per round and at most one per balance interval:
   * replica counts within one of each other, then leader counts, then data size (quads) per
   * store, then write load per leader store (balance-planner.ts decides; sizes and rates come
   * from the sizer's last check).
   */
  private async balance(map: { regions: RegionDescriptor[] }): Promise<void> {
    if (this.balanceWaitMs() > 0) return;
    const stores = [...this.replicaCounts(map).keys()];
    if (stores.length < 2) return;
    const ratio = this.cfg.balanceTolerance ?? 0.2;
    const sizes = this.sizer?.quads ?? new Map<number, number>();
    const replica = planBalanceMove(stores, replicaHoldings(map.regions, stores, sizes), { ratio, floor: MIN_SIZE_GAP_QUADS });
    if (replica) {
      const region = map.regions.find((r) => r.id === replica.region)!;
      this.ctx.logger.info({ regionId: region.id, from: replica.from, to: replica.to, reason: replica.reason, fromQuads: replica.fromWeight, toQuads: replica.toWeight }, 'balancing: moving a replica');
      await this.balancingMove(region, replica.from, replica.to, 'region.moved', { reason: replica.reason === 'count' ? 'count' : 'size', regionQuads: String(sizes.get(region.id) ?? '') });
      return;
    }
    await this.balanceLeaders(map.regions, stores);
  }

  private async balanceLeaders(regions: RegionDescriptor[], stores: number[]): Promise<void> {
    const leaderOf = new Map<number, number>();
    for (const r of regions) {
      const st = await this.stores.replicaStatus(r.stores[0], r.id).catch(() => undefined);
      if (st?.leaderStore) leaderOf.set(r.id, st.leaderStore);
    }
    const rates = this.sizer?.writeQps ?? new Map<number, number>();
    const m = planBalanceMove(stores, leaderHoldings(regions, stores, leaderOf, rates), { ratio: this.cfg.balanceTolerance ?? 0.2, floor: MIN_LOAD_GAP_QPS });
    if (!m) return;
    const region = regions.find((r) => r.id === m.region)!;
    const reason = m.reason === 'count' ? 'count' : 'load';
    this.ctx.logger.info({ regionId: region.id, from: m.from, to: m.to, reason, fromWriteQps: m.fromWeight, toWriteQps: m.toWeight }, 'balancing: moving a leadership');
    this.lastBalanceMove = Date.now();
    await this.stores.transferLeader(region, m.to);
    await this.ctx.events.publish('region.leader-moved', { region: String(region.id), from: String(m.from), to: String(m.to), reason, fromWriteQps: m.fromWeight.toFixed(0), toWriteQps: m.toWeight.toFixed(0) });
  }

  /** add learner on `to` → wait until caught up → promote `to` and remove `from` (joint) → record. */
  private async moveReplica(region: RegionDescriptor, from: number, to: number, event: string, detail: Record<string, string> = {}): Promise<void> {
    const started = Date.now();
    const survivors = region.stores.filter((s) => s !== from);
    let r = region.stores.includes(to) ? region : await this.maps.updateRegion(region.id, (x) => [...x.stores, to]);
    await this.stores.changePeers(r, { regionId: r.id, changes: [{ type: PeerChangeType.ADD_LEARNER, storeId: to }] });
    await this.waitCaughtUp(r, to, survivors);
    const caughtUpAt = Date.now();
    await this.stores.changePeers(r, {
      regionId: r.id,
      changes: [
        { type: PeerChangeType.ADD_VOTER, storeId: to },
        { type: PeerChangeType.REMOVE, storeId: from },
      ],
    });
    r = await this.maps.updateRegion(region.id, (x) => x.stores.filter((s) => s !== from));
    this.repaired.push(region.id);
    // catchUpMs: how long the new replica took to catch up (its snapshot transfer is paced by the stores' QUARRY_SNAPSHOT_MAX_BYTES_PER_SEC).
    await this.ctx.events.publish(event, { ...detail, region: String(region.id), removed: String(from), added: String(to), stores: r.stores.join(','), catchUpMs: String(caughtUpAt - started) });
    this.ctx.logger.info({ regionId: region.id, stores: r.stores }, 'region replicas moved');
  }

  /** The learner has applied at least what a live voter had applied when we started waiting. */
  private async waitCaughtUp(region: RegionDescriptor, learner: number, voters: number[]): Promise<void> {
    const goal = (await Promise.all(voters.map((v) => this.stores.replicaStatus(v, region.id).then((s) => s.appliedIndex, () => 0n)))).reduce((a, b) => (a > b ? a : b), 0n);
    const until = Date.now() + 120_000;
    for (;;) {
      const st = await this.stores.replicaStatus(learner, region.id).catch(() => undefined);
      if (st && st.appliedIndex >= goal) return;
      if (Date.now() > until) throw new Error(`region ${region.id}: learner on store ${learner} did not catch up`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}
