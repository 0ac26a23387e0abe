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
    for (const r of regions) {
      for (const s of r.stores) {
        const st = await this.stores.replicaStatus(s, r.id, { counts: true }).catch(() => undefined);
        if (!st) continue;
        if (st.mergingInto) return this.finishMerge(r, st.mergingInto, regions);
        quads.set(r.id, Number(st.quadCount));
        break;
      }
    }
    const op = chooseSizeOperation(regions, quads, this.cfg);
    if (!op) return false;
    if (op.kind === 'split') {
      this.ctx.logger.info({ regionId: op.region.id, quads: op.quads, threshold: this.cfg.splitQuads }, 'splitting a region over the size threshold');
      const reply = await this.stores.splitRegion(op.region);
      await this.ctx.events.publish('region.split-scheduled', { region: String(op.region.id), quads: String(op.quads), regions: reply.regions.map((r) => r.id).join(',') });
    } else {
      this.ctx.logger.info({ source: op.source.id, target: op.target.id, quads: op.quads }, 'merging two small adjacent regions');
      await mergeRegions(this.stores, op.source.id, op.target.id);
      await this.ctx.events.publish('region.merge-scheduled', { region: String(op.target.id), source: String(op.source.id), quads: String(op.quads) });
    }
    await this.stores.router.refresh();
    // Sizes changed: look again at the next round rather than after a full interval.
    this.nextCheck = 0;
    return true;
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
