import { fromBinary } from '@bufbuild/protobuf';
import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionMapSchema, type RegionDescriptor, type RegionMap } from '@quarry/proto';
import { subjectHash, type Term } from '@quarry/rdf';
import { coversHashSpace } from './region-layout';

/** The consensus-KV key holding the region map. */
export const REGION_MAP_KEY = 'cluster/regions';

export class NoRegionMapError extends Error {}

/** Whether `hash` falls in the region's [start, end) range (end 0 = up to 2^64). */
export function regionOwns(r: RegionDescriptor, hash: bigint): boolean {
  return hash >= r.startHash && (r.endHash === 0n || hash < r.endHash);
}

/**
 * Where quads live: the cached region map (subject hash → region → stores) and the last known
 * leader of each region. Refreshed from the consensus service on demand and on stale errors.
 */
export class RegionRouter {
  private map?: RegionMap;
  private readonly leaders = new Map<number, number>();
  private loading?: Promise<RegionMap>;

  constructor(readonly consensus: ConsensusClient) {}

  async refresh(): Promise<RegionMap> {
    this.loading ??= (async () => {
      try {
        // A map that leaves hashes unowned would make writes fail and scans silently miss
        // quads; folds never write one, but a client must not trust that blindly.
        for (let attempt = 0; ; attempt++) {
          const kv = await this.consensus.get(REGION_MAP_KEY);
          if (!kv) throw new NoRegionMapError('the cluster has no region map yet (the placement driver creates it once enough storage nodes are up)');
          const map = fromBinary(RegionMapSchema, kv.value);
          if (coversHashSpace(map.regions)) {
            this.map = map;
            return map;
          }
          if (attempt >= 30) throw new NoRegionMapError(`the region map (version ${map.version}) leaves part of the hash space without a region`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  async regions(): Promise<RegionDescriptor[]> {
    return (this.map ?? (await this.refresh())).regions;
  }

  async regionFor(subject: Term): Promise<RegionDescriptor> {
    return this.regionForHash(subjectHash(subject));
  }

  async regionForHash(hash: bigint): Promise<RegionDescriptor> {
    const r = (await this.regions()).find((x) => regionOwns(x, hash));
    if (!r) throw new NoRegionMapError(`no region owns hash ${hash}; the region map is incomplete`);
    return r;
  }

  async region(id: number): Promise<RegionDescriptor> {
    let r = (await this.regions()).find((x) => x.id === id);
    if (!r) r = (await this.refresh()).regions.find((x) => x.id === id);
    if (!r) throw new NoRegionMapError(`unknown region ${id}`);
    return r;
  }

  /** Regions overlapping the hash range [start, end) (end 0 = 2^64), in hash order. */
  async regionsOverlapping(start: bigint, end: bigint): Promise<RegionDescriptor[]> {
    const stop = end === 0n ? 1n << 64n : end;
    return (await this.regions()).filter((r) => r.startHash < stop && (r.endHash === 0n || r.endHash > start)).sort((a, b) => (a.startHash < b.startHash ? -1 : 1));
  }

  /**
   * After a STALE_EPOCH or a vanished region: refreshes until the map no longer holds `region`
   * at the version the request was routed with (the store that refused has applied a split or
   * merge; the map follows moments later), or until `timeoutMs` passes.
   */
  async refreshPast(region: RegionDescriptor, timeoutMs = 2000): Promise<RegionMap> {
    const until = Date.now() + timeoutMs;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      const map = await this.refresh();
      const now = map.regions.find((r) => r.id === region.id);
      if (!now || now.version !== region.version || now.startHash !== region.startHash || now.endHash !== region.endHash || Date.now() >= until) return map;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** Stores to try for a region: the known leader first. */
  candidates(r: RegionDescriptor): number[] {
    const lead = this.leaders.get(r.id);
    return lead && r.stores.includes(lead) ? [lead, ...r.stores.filter((s) => s !== lead)] : [...r.stores];
  }

  noteLeader(regionId: number, storeId: number): void {
    this.leaders.set(regionId, storeId);
  }
}
