import type { RegionDescriptor } from '@quarry/proto';

export interface SizingConfig {
  /** A region holding more quads than this is split at its median subject hash. */
  splitQuads: number;
  /** Two adjacent regions both under this (and together under half the split size) are merged; 0 = never. */
  mergeQuads: number;
  /** Merges never bring the cluster below this many regions (the initial count the operator chose). */
  minRegions: number;
  /** A region written faster than this (quads per second) is split; 0 or unset = never. */
  hotWriteQps?: number;
}

export type SizeOperation = { kind: 'split'; region: RegionDescriptor; quads: number; hot?: boolean } | { kind: 'merge'; source: RegionDescriptor; target: RegionDescriptor; quads: number };

/** A hot region smaller than this is not split (too few subjects to cut between usefully). */
const MIN_QUADS_TO_SPLIT_HOT = 100;

const sameStores = (a: RegionDescriptor, b: RegionDescriptor): boolean => a.stores.length === b.stores.length && [...a.stores].sort().join() === [...b.stores].sort().join();

/** Checks the thresholds at boot: a merge must not produce a region that is split again at once. */
export function validateSizing(cfg: Pick<SizingConfig, 'splitQuads' | 'mergeQuads'>): void {
  if (cfg.mergeQuads > 0 && cfg.mergeQuads * 2 > cfg.splitQuads) {
    throw new Error(`QUARRY_REGION_MERGE_QUADS (${cfg.mergeQuads}) must be at most half of QUARRY_REGION_SPLIT_QUADS (${cfg.splitQuads}), or regions would split and merge back in turn`);
  }
}

/**
 * The next size operation, one at a time: split the biggest region over the split threshold;
 * otherwise merge the smallest adjacent pair under the merge threshold whose replicas are on
 * the same stores (merges of regions on different stores are not done: a replica would have
 * to move first) and whose sum stays under half the split threshold. The smaller of the pair
 * is the source. Merges stop at `minRegions`: a fresh cluster's empty initial regions stay.
 * `quads` has one entry per region whose size is known.
 */
export function chooseSizeOperation(regions: RegionDescriptor[], quads: Map<number, number>, cfg: SizingConfig, writeQps: Map<number, number> = new Map()): SizeOperation | undefined {
  const big = regions.filter((r) => (quads.get(r.id) ?? 0) > cfg.splitQuads).sort((a, b) => quads.get(b.id)! - quads.get(a.id)!)[0];
  if (big) return { kind: 'split', region: big, quads: quads.get(big.id)! };
  // A hot region splits so that its two halves can be led (and balanced) on different stores.
  // It needs a few distinct subjects to cut between; a single hot subject cannot be split.
  const hotQps = cfg.hotWriteQps ?? 0;
  const hot = hotQps > 0 ? regions.filter((r) => (writeQps.get(r.id) ?? 0) > hotQps && (quads.get(r.id) ?? 0) >= MIN_QUADS_TO_SPLIT_HOT).sort((a, b) => writeQps.get(b.id)! - writeQps.get(a.id)!)[0] : undefined;
  if (hot) return { kind: 'split', region: hot, quads: quads.get(hot.id)!, hot: true };
  if (cfg.mergeQuads <= 0 || regions.length <= cfg.minRegions) return undefined;
  const sorted = [...regions].sort((a, b) => (a.startHash < b.startHash ? -1 : 1));
  let best: SizeOperation | undefined;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [a, b] = [sorted[i], sorted[i + 1]];
    if (hotQps > 0 && ((writeQps.get(a.id) ?? 0) > hotQps / 2 || (writeQps.get(b.id) ?? 0) > hotQps / 2)) continue; // busy: would split again
    const qa = quads.get(a.id);
    const qb = quads.get(b.id);
    if (qa === undefined || qb === undefined || a.endHash !== b.startHash || !sameStores(a, b)) continue;
    if (qa >= cfg.mergeQuads || qb >= cfg.mergeQuads || (qa + qb) * 2 > cfg.splitQuads) continue;
    if (!best || qa + qb < best.quads) best = qa <= qb ? { kind: 'merge', source: a, target: b, quads: qa + qb } : { kind: 'merge', source: b, target: a, quads: qa + qb };
  }
  return best;
}
