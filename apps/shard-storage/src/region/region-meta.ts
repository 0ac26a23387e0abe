import { QuarryError } from '@quarry/transport';

/** 2^64: the exclusive end of the hash space, written as 0 on the wire (end_hash 0 = up to 2^64). */
export const HASH_SPACE_END = 1n << 64n;

/**
 * A replica's own view of its region: the subject-hash range it owns, its range version
 * (bumped by every split and merge) and, once PrepareMerge applied, the merge target.
 * Replicated state: changed only by applying Raft entries, and carried in snapshots.
 */
export interface RegionMeta {
  start: bigint;
  /** Exclusive; 0 = up to 2^64 (the wire convention). */
  end: bigint;
  version: bigint;
  /** 0 = not merging. */
  mergingInto: number;
  /**
   * Ranges absorbed by merges and the timestamp their quads were written at: reads of such a
   * range below that timestamp are refused (the history before the merge was not carried).
   */
  merged: MergedRange[];
}

export interface MergedRange {
  start: bigint;
  end: bigint;
  ts: bigint;
}

/** Merged ranges remembered per region (the oldest are forgotten; queries older than that are rare). */
export const MAX_MERGED_RANGES = 8;

/** The whole hash space at version 0: replicas whose snapshots predate range versions. */
export const LEGACY_META: RegionMeta = { start: 0n, end: 0n, version: 0n, mergingInto: 0, merged: [] };

export const endOf = (m: Pick<RegionMeta, 'end'>): bigint => (m.end === 0n ? HASH_SPACE_END : m.end);
export const toWireEnd = (end: bigint): bigint => (end >= HASH_SPACE_END ? 0n : end);

export function metaOwns(m: RegionMeta, hash: bigint): boolean {
  return hash >= m.start && hash < endOf(m);
}

/** Whether `[start, end)` lies inside the region (end 0 = 2^64). */
export function metaCovers(m: RegionMeta, start: bigint, end: bigint): boolean {
  return start >= m.start && (end === 0n ? HASH_SPACE_END : end) <= endOf(m);
}

/** Whether two ranges touch end to start, in either order. */
export function adjacent(a: Pick<RegionMeta, 'start' | 'end'>, b: Pick<RegionMeta, 'start' | 'end'>): boolean {
  return endOf(a) === b.start || endOf(b) === a.start;
}

const MAGIC = Buffer.from('QRM1');

/** The first chunk of a region snapshot: the meta as JSON behind a 4-byte magic. */
export function encodeMetaChunk(m: RegionMeta): Buffer {
  const merged = m.merged.map((r) => ({ start: String(r.start), end: String(r.end), ts: String(r.ts) }));
  const json = JSON.stringify({ start: String(m.start), end: String(m.end), version: String(m.version), mergingInto: m.mergingInto, merged });
  return Buffer.concat([MAGIC, Buffer.from(json)]);
}

/** The meta of a snapshot chunk, or undefined when the chunk is not a meta chunk (older snapshots). */
export function decodeMetaChunk(chunk: Uint8Array): RegionMeta | undefined {
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (buf.length < MAGIC.length || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  const raw = JSON.parse(buf.subarray(MAGIC.length).toString('utf8')) as Record<string, unknown>;
  const big = (v: unknown): bigint => {
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new Error('region snapshot: bad meta chunk');
    return BigInt(v);
  };
  const mergingInto = raw.mergingInto;
  if (typeof mergingInto !== 'number' || !Number.isInteger(mergingInto) || mergingInto < 0) throw new Error('region snapshot: bad meta chunk');
  const merged = Array.isArray(raw.merged) ? (raw.merged as Record<string, unknown>[]).map((r) => ({ start: big(r.start), end: big(r.end), ts: big(r.ts) })) : [];
  return { start: big(raw.start), end: big(raw.end), version: big(raw.version), mergingInto, merged };
}

/** Refuses a read below the timestamp at which a merge wrote part of the range it covers. */
export function checkReadTs(regionId: number, m: RegionMeta, readTs: bigint, start: bigint, end: bigint): void {
  const stop = end === 0n ? HASH_SPACE_END : end;
  for (const r of m.merged) {
    if (readTs < r.ts && r.start < stop && endOf(r) > start) {
      throw new QuarryError('FAILED_PRECONDITION', `region ${regionId}: read timestamp ${readTs} is older than the merge that brought in hashes [${r.start}, ${endOf(r)}) at ${r.ts}; retry the query`, false, { ...metaDetails(regionId, m), reason: 'SNAPSHOT_TOO_OLD' });
    }
  }
}

/** The layout a STALE_EPOCH error carries, so the client can tell how stale its map is. */
export function metaDetails(regionId: number, m: RegionMeta): Record<string, string> {
  return { region: String(regionId), version: String(m.version), startHash: String(m.start), endHash: String(m.end), mergingInto: String(m.mergingInto) };
}

/**
 * Refuses a request routed with another range version than the replica's, or to a region
 * frozen for a merge: the client's map is stale (or about to be) and it must re-route.
 */
export function checkRouted(regionId: number, m: RegionMeta, version: bigint): void {
  if (m.mergingInto) throw new QuarryError('STALE_EPOCH', `region ${regionId} is being merged into region ${m.mergingInto}`, false, metaDetails(regionId, m));
  if (version !== m.version) {
    throw new QuarryError('STALE_EPOCH', `region ${regionId} has range version ${m.version}, the request was routed with ${version}`, false, metaDetails(regionId, m));
  }
}

/** Refuses a hash outside the region's range (a client with a wrong map, or a bug). */
export function checkOwned(regionId: number, m: RegionMeta, hashes: Iterable<bigint>): void {
  for (const h of hashes) {
    if (!metaOwns(m, h)) {
      throw new QuarryError('STALE_EPOCH', `subject hash ${h} is outside region ${regionId} [${m.start}, ${m.end === 0n ? '2^64' : m.end})`, false, metaDetails(regionId, m));
    }
  }
}
