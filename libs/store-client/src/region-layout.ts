import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionDescriptorSchema, RegionMapSchema, type RegionDescriptor, type RegionMap } from '@quarry/proto';
import { REGION_MAP_KEY } from './region-router';

/** The consensus-KV key of the region id allocator (next unused id, decimal text). */
export const NEXT_REGION_ID_KEY = 'cluster/next-region-id';

const SPACE_END = 1n << 64n;
const endOf = (end: bigint): bigint => (end === 0n ? SPACE_END : end);
const wireEnd = (end: bigint): bigint => (end >= SPACE_END ? 0n : end);

/** A region as its own replicas see it after a split or merge (replicated state, so authoritative). */
export interface RegionLayout {
  id: number;
  startHash: bigint;
  endHash: bigint;
  version: bigint;
  /** Replicas of a region the map does not list yet (one created by a split). */
  stores?: number[];
}

/**
 * Folds regions' own layouts into the map, as TiKV's PD does with region heartbeats: a layout
 * with a newer range version than the map's replaces it, and the older regions it overlaps are
 * trimmed (a split's parent) or dropped (a merged source). A layout older than what the map
 * holds for its range changes nothing, so folding late or twice is harmless. The result always
 * owns every hash exactly once: a layout that would leave a gap is not folded (yet). Store lists of
 * known regions stay the map's (the placement driver owns placement). Returns undefined when
 * nothing changed.
 */
export function foldLayouts(map: RegionMap, layouts: RegionLayout[]): RegionMap | undefined {
  let regions = map.regions.map((r) => create(RegionDescriptorSchema, { ...r }));
  let pending = [...layouts].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  let changed = false;
  // A layout whose fold would leave part of the hash space unowned (a region of a later split
  // recorded before its neighbours) waits until another layout of the batch fills the gap.
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    const waiting: RegionLayout[] = [];
    for (const u of pending) {
      const next = foldOne(regions, u);
      if (next === 'obsolete') progress = true;
      else if (next === undefined || !coversHashSpace(next)) waiting.push(u);
      else {
        regions = next;
        changed = progress = true;
      }
    }
    pending = waiting;
  }
  return changed ? create(RegionMapSchema, { regions, version: map.version + 1n }) : undefined;
}

/** Whether the regions, in hash order, own every hash exactly once. */
export function coversHashSpace(regions: RegionDescriptor[]): boolean {
  let at = 0n;
  for (const r of [...regions].sort((a, b) => (a.startHash < b.startHash ? -1 : a.startHash > b.startHash ? 1 : 0))) {
    if (r.startHash !== at) return false;
    at = endOf(r.endHash);
  }
  return at === SPACE_END;
}

/** One layout folded into the regions; 'obsolete' when the map already knows as much or more. */
function foldOne(regions: RegionDescriptor[], u: RegionLayout): RegionDescriptor[] | 'obsolete' | undefined {
  const existing = regions.find((r) => r.id === u.id);
  if (existing && existing.version >= u.version) return 'obsolete';
  const uEnd = endOf(u.endHash);
  const overlapping = regions.filter((r) => r.id !== u.id && r.startHash < uEnd && endOf(r.endHash) > u.startHash);
  if (overlapping.some((r) => r.version >= u.version)) return 'obsolete'; // the map already knows a newer layout there
  const epochBase = [existing, ...overlapping].reduce((e, r) => (r && r.epoch > e ? r.epoch : e), 0n);
  const next: RegionDescriptor[] = [];
  for (const r of regions) {
    if (r.id === u.id) continue;
    if (!overlapping.includes(r)) {
      next.push(r);
      continue;
    }
    // Keep the part of an older region outside the new layout (a split parent not yet updated).
    if (r.startHash < u.startHash) next.push(create(RegionDescriptorSchema, { ...r, endHash: u.startHash, epoch: r.epoch + 1n }));
    else if (endOf(r.endHash) > uEnd) next.push(create(RegionDescriptorSchema, { ...r, startHash: uEnd, epoch: r.epoch + 1n }));
  }
  next.push(
    create(RegionDescriptorSchema, {
      id: u.id,
      startHash: u.startHash,
      endHash: wireEnd(uEnd),
      version: u.version,
      stores: existing?.stores ?? u.stores ?? overlapping[0]?.stores ?? [],
      // Never 1: epoch 1 means "initial replica, may bootstrap" to a storage node.
      epoch: (epochBase > 1n ? epochBase : 1n) + 1n,
    }),
  );
  return next.sort((a, b) => (a.startHash < b.startHash ? -1 : a.startHash > b.startHash ? 1 : 0));
}

/** Records layouts in the region map with compare-and-set, retrying when the map changed under us. */
export async function recordLayouts(consensus: ConsensusClient, layouts: RegionLayout[], attempts = 10): Promise<RegionMap> {
  for (let i = 0; i < attempts; i++) {
    const kv = await consensus.get(REGION_MAP_KEY);
    if (!kv) throw new Error('the cluster has no region map');
    const map = fromBinary(RegionMapSchema, kv.value);
    const next = foldLayouts(map, layouts);
    if (!next) return map;
    if ((await consensus.compareAndSet(REGION_MAP_KEY, kv.modRevision, toBinary(RegionMapSchema, next))).succeeded) return next;
  }
  throw new Error('the region map kept changing under us');
}

/**
 * A cluster-wide unique region id, never reused (a merged-away id must not come back: stale
 * replicas of it may linger). Starts above every id of the map the first time.
 */
export async function allocateRegionId(consensus: ConsensusClient, attempts = 10): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const kv = await consensus.get(NEXT_REGION_ID_KEY);
    let next: number;
    if (kv) next = Number(new TextDecoder().decode(kv.value));
    else {
      const mapKv = await consensus.get(REGION_MAP_KEY);
      const ids = mapKv ? fromBinary(RegionMapSchema, mapKv.value).regions.map((r) => r.id) : [];
      next = Math.max(0, ...ids) + 1;
    }
    if (!Number.isSafeInteger(next) || next < 1 || next > 0xffffffff) throw new Error(`region id allocator holds a bad value: ${next}`);
    if ((await consensus.compareAndSet(NEXT_REGION_ID_KEY, kv?.modRevision ?? 0n, String(next + 1))).succeeded) return next;
  }
  throw new Error('could not allocate a region id: the allocator kept changing');
}
