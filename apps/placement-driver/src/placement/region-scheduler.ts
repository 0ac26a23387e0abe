import type { RegionDescriptor } from '@quarry/proto';
import { PeerChangeType } from '@quarry/proto';
import type { ServiceContext } from '@quarry/service-kit';
import type { ConsensusClient } from '@quarry/consensus-client';
import { storesBeingRemoved, type StoreClient } from '@quarry/store-client';
import { ServiceDirectory } from '@quarry/transport';
import type { ActiveDuty } from '../leadership/pd-leadership';
import type { RegionMapStore } from './region-map-store';
import type { RegionSizer } from './region-sizer';
import { StoreLiveness } from './store-liveness';

export interface RepairConfig {
  storeDownTimeoutMs: number;
  replicas: number;
  intervalMs: number;
  /** Least time between two balancing moves (a rate limit: moves copy data and cost elections). */
  balanceIntervalMs?: number;
}

/**
 * The placement driver's scheduler, one operation at a time, and balancing moves at most one
 * per QUARRY_BALANCE_INTERVAL_MS (rate limits that keep repairs and moves from starving user
 * traffic; repairs are not delayed). Repair first: rebuild the replicas of a dead (or
 * decommissioned) store elsewhere: add a learner on a live store, wait until it has
 * caught up, then promote it and remove the dead replica in one joint membership change.
 * Every step is recorded in the region map (epoch bumped) and as a cluster event. Then sizes
 * (RegionSizer: split big regions, merge small neighbours), then balance.
 */
export class RegionScheduler implements ActiveDuty {
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
   * Balance, after repairs: move a replica from the most loaded live store to the least loaded
   * one while they differ by more than one; then spread leaders the same way.
   */
  private async balance(map: { regions: RegionDescriptor[] }): Promise<void> {
    if (Date.now() - this.lastBalanceMove < (this.cfg.balanceIntervalMs ?? 0)) return;
    const load = this.replicaCounts(map);
    if (load.size < 2) return;
    const byLoad = [...load.keys()].sort((a, b) => load.get(a)! - load.get(b)! || a - b);
    const least = byLoad[0];
    const most = byLoad[byLoad.length - 1];
    if (load.get(most)! - load.get(least)! > 1) {
      const region = map.regions.find((r) => r.stores.includes(most) && !r.stores.includes(least));
      if (region) {
        this.ctx.logger.info({ regionId: region.id, from: most, to: least }, 'balancing: moving a replica');
        this.lastBalanceMove = Date.now();
        await this.moveReplica(region, most, least, 'region.moved');
        this.lastBalanceMove = Date.now();
        return;
      }
    }
    await this.balanceLeaders(map.regions, [...load.keys()]);
  }

  private async balanceLeaders(regions: RegionDescriptor[], stores: number[]): Promise<void> {
    const leaderOf = new Map<number, number>();
    for (const r of regions) {
      const st = await this.stores.replicaStatus(r.stores[0], r.id).catch(() => undefined);
      if (st?.leaderStore) leaderOf.set(r.id, st.leaderStore);
    }
    const count = new Map(stores.map((s) => [s, 0]));
    for (const l of leaderOf.values()) if (count.has(l)) count.set(l, count.get(l)! + 1);
    const byCount = [...count.keys()].sort((a, b) => count.get(a)! - count.get(b)! || a - b);
    const least = byCount[0];
    const most = byCount[byCount.length - 1];
    if (count.get(most)! - count.get(least)! <= 1) return;
    const region = regions.find((r) => leaderOf.get(r.id) === most && r.stores.includes(least));
    if (!region) return;
    this.ctx.logger.info({ regionId: region.id, from: most, to: least }, 'balancing: moving a leadership');
    this.lastBalanceMove = Date.now();
    await this.stores.transferLeader(region, least);
  }

  /** add learner on `to` → wait until caught up → promote `to` and remove `from` (joint) → record. */
  private async moveReplica(region: RegionDescriptor, from: number, to: number, event: string): Promise<void> {
    const survivors = region.stores.filter((s) => s !== from);
    let r = region.stores.includes(to) ? region : await this.maps.updateRegion(region.id, (x) => [...x.stores, to]);
    await this.stores.changePeers(r, { regionId: r.id, changes: [{ type: PeerChangeType.ADD_LEARNER, storeId: to }] });
    await this.waitCaughtUp(r, to, survivors);
    await this.stores.changePeers(r, {
      regionId: r.id,
      changes: [
        { type: PeerChangeType.ADD_VOTER, storeId: to },
        { type: PeerChangeType.REMOVE, storeId: from },
      ],
    });
    r = await this.maps.updateRegion(region.id, (x) => x.stores.filter((s) => s !== from));
    this.repaired.push(region.id);
    await this.ctx.events.publish(event, { region: String(region.id), removed: String(from), added: String(to), stores: r.stores.join(',') });
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
