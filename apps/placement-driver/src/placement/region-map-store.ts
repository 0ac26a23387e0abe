import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionMapSchema, type RegionDescriptor, type RegionMap } from '@quarry/proto';
import { REGION_MAP_KEY } from '@quarry/store-client';

/** Reads and changes the region map in the consensus KV; every change is a compare-and-set. */
export class RegionMapStore {
  constructor(private readonly consensus: ConsensusClient) {}

  async read(): Promise<{ map: RegionMap; revision: bigint } | undefined> {
    const kv = await this.consensus.get(REGION_MAP_KEY);
    return kv ? { map: fromBinary(RegionMapSchema, kv.value), revision: kv.modRevision } : undefined;
  }

  /** Applies `change` to one region (bumping its epoch and the map version); retries on races. */
  async updateRegion(regionId: number, change: (r: RegionDescriptor) => number[]): Promise<RegionDescriptor> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const current = await this.read();
      if (!current) throw new Error('no region map');
      const regions = current.map.regions.map((r) => (r.id === regionId ? { ...r, stores: change(r), epoch: r.epoch + 1n } : r));
      const updated = regions.find((r) => r.id === regionId);
      if (!updated) throw new Error(`unknown region ${regionId}`);
      const map = create(RegionMapSchema, { regions, version: current.map.version + 1n });
      const r = await this.consensus.compareAndSet(REGION_MAP_KEY, current.revision, toBinary(RegionMapSchema, map));
      if (r.succeeded) return updated;
    }
    throw new Error(`region ${regionId}: the region map kept changing under us`);
  }
}
