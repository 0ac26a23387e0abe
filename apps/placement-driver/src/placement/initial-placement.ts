import { create } from '@bufbuild/protobuf';
import { RegionMapSchema, type RegionMap } from '@quarry/proto';

const HASH_SPACE = 1n << 64n;

/**
 * The first region map: `regionCount` regions splitting the 64-bit subject-hash space evenly,
 * each with `replicas` replicas on distinct stores, rotated so every store holds about the
 * same number of replicas (and so, after elections, about the same number of leaders).
 */
export function initialRegionMap(storeIds: number[], regionCount: number, replicas: number): RegionMap {
  const stores = [...new Set(storeIds)].sort((a, b) => a - b);
  if (stores.length < replicas) throw new Error(`need ${replicas} storage nodes for ${replicas} replicas, have ${stores.length}`);
  if (regionCount < 1) throw new Error('need at least one region');
  const step = HASH_SPACE / BigInt(regionCount);
  const regions = Array.from({ length: regionCount }, (_, i) => ({
    id: i + 1,
    startHash: BigInt(i) * step,
    endHash: i === regionCount - 1 ? 0n : BigInt(i + 1) * step,
    stores: Array.from({ length: replicas }, (_, r) => stores[(i + r) % stores.length]),
    epoch: 1n,
    // Range version 1: stores and clients compare it (0 is what maps written before splits hold).
    version: 1n,
  }));
  return create(RegionMapSchema, { regions, version: 1n });
}
