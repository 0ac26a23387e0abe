import type { RegionDescriptor } from '@quarry/proto';
import type { Quad } from '@quarry/rdf';
import { TermEncoder } from '@quarry/storage';
import { encodeBounded, partitionByRegion, type RegionPart } from './region-batches';
import { isStaleRegion, type StoreClient } from './store-client';

export { MAX_BATCH_BYTES, MAX_QUADS_PER_BATCH } from './region-batches';

/** Re-routings of one part after STALE_EPOCH before giving up (each waits for the map to move on). */
export const MAX_REROUTES = 8;

/**
 * Blind bulk writes (loaders): splits quads by owning region and writes each region's part as
 * encoded batches (encoded once, here, so storage nodes only validate and apply). One region's
 * batch is one Raft entry; a change spanning regions or batches is not atomic (use
 * TransactionCommitter for that). A part refused with STALE_EPOCH (its region split or merged
 * since the map was read) was not applied at all: it is placed again on a fresh map and written
 * again, a bounded number of times. Retrying at the same commit timestamp is idempotent, so a
 * part whose reply was lost and that is written again leaves no duplicate.
 */
export class RegionWriter {
  private readonly encoder = new TermEncoder();

  constructor(
    private readonly stores: StoreClient,
    private readonly maxReroutes = MAX_REROUTES,
  ) {}

  async write(commitTs: bigint, inserts: readonly Quad[], deletes: readonly Quad[] = []): Promise<number> {
    return this.place(commitTs, inserts, deletes, 0);
  }

  private async place(commitTs: bigint, inserts: readonly Quad[], deletes: readonly Quad[], reroutes: number): Promise<number> {
    const parts = partitionByRegion(await this.stores.router.regions(), inserts, deletes);
    await Promise.all([...parts].map(([region, part]) => this.writePart(region, part, commitTs, reroutes)));
    return parts.size;
  }

  private async writePart(region: RegionDescriptor, part: RegionPart, commitTs: bigint, reroutes: number): Promise<void> {
    for (const batch of encodeBounded(this.encoder, part)) {
      try {
        await this.stores.write(region, { regionId: region.id, commitTs, batch });
      } catch (err) {
        if (!isStaleRegion(err) || reroutes >= this.maxReroutes) throw err;
        // Rewrites the whole part on the new layout: batches already applied are applied again
        // at the same timestamp, which changes nothing.
        await this.stores.router.refreshPast(region);
        await this.place(commitTs, part.inserts, part.deletes, reroutes + 1);
        return;
      }
    }
  }
}
