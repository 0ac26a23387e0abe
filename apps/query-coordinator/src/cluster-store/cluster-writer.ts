import type { Quad } from '@quarry/rdf';
import type { QuadWriter } from '@quarry/sparql';
import type { RegionWriter } from '@quarry/store-client';

/**
 * Commits an update's net change at one TSO timestamp.
 *
 * Atomicity: a change within one region is one Raft entry, all or nothing. A change spanning
 * regions is NOT yet atomic (two-phase commit is not built): each region commits its part.
 */
export class ClusterWriter implements QuadWriter {
  constructor(
    private readonly regions: RegionWriter,
    private readonly timestamp: () => Promise<bigint>,
  ) {}

  async commit(change: { deletes: readonly Quad[]; inserts: readonly Quad[] }): Promise<void> {
    if (!change.deletes.length && !change.inserts.length) return;
    await this.regions.write(await this.timestamp(), change.inserts, change.deletes);
  }
}
