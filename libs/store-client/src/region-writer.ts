import type { RegionDescriptor } from '@quarry/proto';
import { subjectHash, type Quad } from '@quarry/rdf';
import { encodeBatch, serializeEncodedBatch, TermEncoder } from '@quarry/storage';
import { regionOwns } from './region-router';
import { isStaleRegion, type StoreClient } from './store-client';

/** Re-routings of one part after STALE_EPOCH before giving up (each waits for the map to move on). */
export const MAX_REROUTES = 8;

/** Quads per Raft entry: big enough to amortise consensus... */
export const MAX_QUADS_PER_BATCH = 20_000;
/** ...and bytes per write request: a NATS message is at most 1 MiB by default. */
export const MAX_BATCH_BYTES = 768 * 1024;

/**
 * Splits quads by owning region and writes each region's part as encoded batches (encoded once,
 * here, so storage nodes only validate and apply). One region's batch is one Raft entry.
 * A part refused with STALE_EPOCH (its region split or merged since the map was read) was not
 * applied at all: it is placed again on a fresh map and written again, a bounded number of
 * times. Retrying at the same commit timestamp is idempotent, so a part whose reply was lost
 * and that is written again leaves no duplicate.
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
    const regions = await this.stores.router.regions();
    const parts = new Map<RegionDescriptor, { inserts: Quad[]; deletes: Quad[] }>();
    const place = (q: Quad, kind: 'inserts' | 'deletes'): void => {
      const h = subjectHash(q.subject);
      const region = regions.find((r) => regionOwns(r, h));
      if (!region) throw new Error(`no region owns subject hash ${h}`);
      let part = parts.get(region);
      if (!part) parts.set(region, (part = { inserts: [], deletes: [] }));
      part[kind].push(q);
    };
    for (const q of deletes) place(q, 'deletes');
    for (const q of inserts) place(q, 'inserts');
    await Promise.all(
      [...parts].map(async ([region, part]) => {
        const n = Math.max(part.inserts.length, part.deletes.length);
        for (let i = 0; i < n; i += MAX_QUADS_PER_BATCH) {
          const ins = part.inserts.slice(i, i + MAX_QUADS_PER_BATCH);
          const del = part.deletes.slice(i, i + MAX_QUADS_PER_BATCH);
          try {
            await this.writeBounded(region, commitTs, ins, del);
          } catch (err) {
            if (!isStaleRegion(err) || reroutes >= this.maxReroutes) throw err;
            await this.stores.router.refreshPast(region);
            await this.place(commitTs, ins, del, reroutes + 1);
          }
        }
      }),
    );
    return parts.size;
  }

  /** Halves a batch until its encoding fits one NATS message (long literals make quads big). */
  private async writeBounded(region: RegionDescriptor, commitTs: bigint, inserts: Quad[], deletes: Quad[]): Promise<void> {
    const batch = serializeEncodedBatch(encodeBatch(this.encoder, inserts, deletes));
    if (batch.length > MAX_BATCH_BYTES && inserts.length + deletes.length > 1) {
      const hi = Math.ceil(inserts.length / 2);
      const hd = Math.ceil(deletes.length / 2);
      await this.writeBounded(region, commitTs, inserts.slice(0, hi), deletes.slice(0, hd));
      await this.writeBounded(region, commitTs, inserts.slice(hi), deletes.slice(hd));
      return;
    }
    await this.stores.write(region, { regionId: region.id, commitTs, batch });
  }
}
