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

export type SizeOperation =
  | { kind: 'split'; region: RegionDescriptor; quads: number; hot?: boolean }
  | { kind: 'merge'; source: RegionDescriptor; target: RegionDescriptor; quads: number }
  /** The first step towards a merge of regions on different stores: move one replica of the source from `from` to `to` (a store of the target). */
  | { kind: 'colocate'; source: RegionDescriptor; target: RegionDescriptor; quads: number; from: number; to: number };

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
 * otherwise merge the smallest adjacent pair under the merge threshold whose sum stays under
 * half the split threshold. The smaller of the pair is the source. A pair on the same stores
 * merges at once and comes first; a pair on different stores is brought together first, one
 * replica move at a time ('colocate': a replica of the source from a store the target lacks to
 * a store of the target the source lacks; the source is the smaller, so the least data moves).
 * Merges stop at `minRegions`: a fresh cluster's empty initial regions stay.
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
  let apart: SizeOperation | undefined;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const [a, b] = [sorted[i], sorted[i + 1]];
    if (hotQps > 0 && ((writeQps.get(a.id) ?? 0) > hotQps / 2 || (writeQps.get(b.id) ?? 0) > hotQps / 2)) continue; // busy: would split again
    const qa = quads.get(a.id);
    const qb = quads.get(b.id);
    if (qa === undefined || qb === undefined || a.endHash !== b.startHash) continue;
    if (qa >= cfg.mergeQuads || qb >= cfg.mergeQuads || (qa + qb) * 2 > cfg.splitQuads) continue;
    const [source, target] = qa <= qb ? [a, b] : [b, a];
    if (sameStores(a, b)) {
      if (!best || qa + qb < best.quads) best = { kind: 'merge', source, target, quads: qa + qb };
    } else if (!apart || qa + qb < apart.quads) {
      const step = colocationStep(source, target);
      if (step) apart = { kind: 'colocate', source, target, quads: qa + qb, ...step };
    }
  }
  return best ?? apart;
}

/**
 * One replica move that brings `source`'s stores closer to `target`'s: from the lowest store
 * of the source that the target lacks to the lowest store of the target that the source lacks.
 * None when the sets differ only in size (a region being repaired or moved: wait for it).
 */
export function colocationStep(source: RegionDescriptor, target: RegionDescriptor): { from: number; to: number } | undefined {
  const from = source.stores.filter((s) => !target.stores.includes(s)).sort((x, y) => x - y)[0];
  const to = target.stores.filter((s) => !source.stores.includes(s)).sort((x, y) => x - y)[0];
  return from === undefined || to === undefined ? undefined : { from, to };
}
