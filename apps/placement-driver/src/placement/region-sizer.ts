import type { RegionDescriptor } from '@quarry/proto';
import type { ServiceContext } from '@quarry/service-kit';
import { commitMergeWhenFrozen, mergeRegions, type StoreClient } from '@quarry/store-client';
import { chooseSizeOperation, type SizingConfig } from './region-sizing';

/**
 * Splits regions that grew too big and merges adjacent small ones, one operation per check.
 * The operations themselves run on the regions' leaders through Raft (they record the new
 * layout in the region map); this only decides and drives them, and finishes any merge whose
 * driver died after freezing the source.
 */
export class RegionSizer {
  private nextCheck = 0;
  /** Per region: the replica sampled, its written-quads counter and when it was read. */
  private readonly lastWrites = new Map<number, { store: number; quads: bigint; at: number }>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly stores: StoreClient,
    private readonly cfg: SizingConfig & { checkMs: number },
  ) {}

  /** Returns true when it changed a region (the scheduler then waits for the next round). */
  async maybeRun(regions: RegionDescriptor[]): Promise<boolean> {
    if (Date.now() < this.nextCheck) return false;
    this.nextCheck = Date.now() + this.cfg.checkMs;
    const quads = new Map<number, number>();
    const writeQps = new Map<number, number>();
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
    if (!op) return false;
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
