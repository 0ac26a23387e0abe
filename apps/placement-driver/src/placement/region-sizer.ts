import type { RegionDescriptor } from '@quarry/proto';
import type { ServiceContext } from '@quarry/service-kit';
import { commitMergeWhenFrozen, mergeRegions, type StoreClient } from '@quarry/store-client';
import { chooseSizeOperation, type SizeOperation, type SizingConfig } from './region-sizing';

/** Moves replicas for the sizer (the scheduler: learner → catch up → promote + remove, rate-limited). */
export interface ReplicaMover {
  /** How long until a balancing move is allowed (0: now). Colocation moves share that limit. */
  balanceWaitMs(): number;
  balancingMove(region: RegionDescriptor, from: number, to: number, event: string, detail?: Record<string, string>): Promise<void>;
}

/**
 * Splits regions that grew too big and merges adjacent small ones, one operation per check;
 * small neighbours on different stores are first brought onto the same stores, one replica
 * move at a time through the scheduler's mover. The operations themselves run on the regions'
 * leaders through Raft (they record the new layout in the region map); this only decides and
 * drives them, and finishes any merge whose driver died after freezing the source.
 */
export class RegionSizer {
  private nextCheck = 0;
  /** Per region: the replica sampled, its written-quads counter and when it was read. */
  private readonly lastWrites = new Map<number, { store: number; quads: bigint; at: number }>();
  /** The last check's quads and written quads per second per region (what balance by size and load weighs). */
  readonly quads = new Map<number, number>();
  readonly writeQps = new Map<number, number>();
  private mover?: ReplicaMover;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly stores: StoreClient,
    private readonly cfg: SizingConfig & { checkMs: number },
  ) {}

  useMover(mover: ReplicaMover): void {
    this.mover = mover;
  }

  /** Returns true when it changed a region (the scheduler then waits for the next round). */
  async maybeRun(regions: RegionDescriptor[]): Promise<boolean> {
    if (Date.now() < this.nextCheck) return false;
    this.nextCheck = Date.now() + this.cfg.checkMs;
    const { quads, writeQps } = this;
    quads.clear();
    writeQps.clear();
    for (const r of regions) {
      for (const s of r.stores) {
        const st = await this.stores.replicaStatus(s, r.id, { counts: true }).catch(() => undefined);
        if (!st) continue;
        if (st.mergingInto) return this.finishMerge(r, st.mergingInto, regions);
        quads.set(r.id, Number(st.quadCount));
        const rate = this.writeRate(r.id, s, st.writtenQuads);
        if (rate !== undefined) writeQps.set(r.id, rate);
        break;
      }
    }
    const op = chooseSizeOperation(regions, quads, this.cfg, writeQps);
    if (!op || (op.kind === 'colocate' && !this.mover)) return false;
    if (op.kind === 'colocate') return this.colocate(op);
    if (op.kind === 'split') {
      if (op.hot) this.ctx.logger.info({ regionId: op.region.id, writeQps: writeQps.get(op.region.id), threshold: this.cfg.hotWriteQps }, 'splitting a hot region');
      else this.ctx.logger.info({ regionId: op.region.id, quads: op.quads, threshold: this.cfg.splitQuads }, 'splitting a region over the size threshold');
      const reply = await this.stores.splitRegion(op.region);
      await this.ctx.events.publish('region.split-scheduled', { region: String(op.region.id), quads: String(op.quads), reason: op.hot ? 'hot' : 'size', regions: reply.regions.map((r) => r.id).join(',') });
    } else {
      this.ctx.logger.info({ source: op.source.id, target: op.target.id, quads: op.quads }, 'merging two small adjacent regions');
      await mergeRegions(this.stores, op.source.id, op.target.id);
      await this.ctx.events.publish('region.merge-scheduled', { region: String(op.target.id), source: String(op.source.id), quads: String(op.quads) });
    }
    await this.stores.router.refresh();
    // Sizes changed: look again at the next round rather than after a full interval. Write
    // rates start over (two readings a full interval apart), or a split region still busy
    // would split again at once.
    this.nextCheck = 0;
    this.lastWrites.clear();
    quads.clear();
    writeQps.clear();
    return true;
  }

  /**
   * One replica move of the source towards the target's stores. It holds the scheduler's turn
   * (returns true) while the pair waits for the balancing rate limit, so that balancing does
   * not move the replicas somewhere else meanwhile; the check comes back when the limit lapses.
   */
  private async colocate(op: Extract<SizeOperation, { kind: 'colocate' }>): Promise<boolean> {
    const mover = this.mover!;
    const wait = mover.balanceWaitMs();
    if (wait > 0) {
      this.nextCheck = Date.now() + wait;
      return true;
    }
    this.ctx.logger.info({ source: op.source.id, target: op.target.id, quads: op.quads, from: op.from, to: op.to }, 'moving a replica of a small region onto its neighbour\'s stores, to merge them');
    await this.ctx.events.publish('region.colocation-scheduled', { region: String(op.source.id), target: String(op.target.id), from: String(op.from), to: String(op.to), quads: String(op.quads) });
    await mover.balancingMove(op.source, op.from, op.to, 'region.colocated', { target: String(op.target.id) });
    this.nextCheck = 0;
    return true;
  }

  /**
   * Quads written per second since the last reading of the same replica (counters are per
   * process: another replica, or a restart that reset it, gives no rate this time).
   */
  private writeRate(regionId: number, store: number, written: bigint): number | undefined {
    const now = Date.now();
    const last = this.lastWrites.get(regionId);
    this.lastWrites.set(regionId, { store, quads: written, at: now });
    if (!last || last.store !== store || written < last.quads || now <= last.at) return undefined;
    return (Number(written - last.quads) * 1000) / (now - last.at);
  }

  private async finishMerge(source: RegionDescriptor, targetId: number, regions: RegionDescriptor[]): Promise<boolean> {
    const target = regions.find((r) => r.id === targetId);
    if (!target) return false;
    this.ctx.logger.warn({ source: source.id, target: targetId }, 'finishing a merge whose source was left frozen');
    await commitMergeWhenFrozen(this.stores, source.id, target);
    this.nextCheck = 0;
    return true;
  }
}
