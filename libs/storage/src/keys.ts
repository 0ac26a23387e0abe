import { InvalidTimestampError } from './errors';

/** Region ids are unsigned 64-bit integers, stored big-endian as the first 8 bytes of every key. */
export type RegionId = bigint;
export const REGION_PREFIX_SIZE = 8;
export const VERSION_SIZE = 8;
/** Timestamps are hybrid logical clocks below 2^63: the version field shifts them left by one. */
export const MAX_TIMESTAMP = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

export function checkRegionId(regionId: RegionId): void {
  if (typeof regionId !== 'bigint' || regionId < 0n || regionId > U64_MAX) {
    throw new RangeError(`region id must be an unsigned 64-bit bigint, got ${String(regionId)}`);
  }
}

export function toTimestamp(ts: bigint | number): bigint {
  const value = typeof ts === 'number' ? (Number.isSafeInteger(ts) ? BigInt(ts) : -1n) : ts;
  if (value < 0n || value > MAX_TIMESTAMP) throw new InvalidTimestampError(`timestamp ${String(ts)} outside 0..2^63-1`);
  return value;
}

export function regionPrefix(regionId: RegionId): Buffer {
  checkRegionId(regionId);
  const out = Buffer.allocUnsafe(REGION_PREFIX_SIZE);
  out.writeBigUInt64BE(regionId, 0);
  return out;
}

/** Smallest key strictly after every key of the region (exclusive end of a region scan). */
export function regionEnd(regionId: RegionId): Buffer {
  return Buffer.concat([regionPrefix(regionId), Buffer.alloc(32, 0xff)]);
}

/**
 * Version = (ts << 1) | op, op 1 = insert, 0 = delete (tombstone). Big-endian, so versions of
 * one quad sort oldest first; at an equal ts the insert sorts after (is newer than) the delete,
 * which gives SPARQL Update's "deletes before inserts" semantics for a quad in both lists.
 */
export function writeVersion(out: Uint8Array, offset: number, ts: bigint, insert: boolean): void {
  const v = (ts << 1n) | (insert ? 1n : 0n);
  const hi = Number(v >> 32n);
  const lo = Number(v & 0xffffffffn);
  out[offset] = hi >>> 24;
  out[offset + 1] = (hi >>> 16) & 0xff;
  out[offset + 2] = (hi >>> 8) & 0xff;
  out[offset + 3] = hi & 0xff;
  out[offset + 4] = lo >>> 24;
  out[offset + 5] = (lo >>> 16) & 0xff;
  out[offset + 6] = (lo >>> 8) & 0xff;
  out[offset + 7] = lo & 0xff;
}

/** A read limit split in two uint32 halves so the scan loop compares without BigInt. */
export interface VersionLimit {
  hi: number;
  lo: number;
}

/** Highest version visible at `readTs`: (readTs << 1) | 1. */
export function versionLimit(readTs: bigint): VersionLimit {
  const v = (readTs << 1n) | 1n;
  return { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

export function versionAtMost(bytes: Uint8Array, offset: number, limit: VersionLimit): boolean {
  const hi = readU32(bytes, offset);
  return hi < limit.hi || (hi === limit.hi && readU32(bytes, offset + 4) <= limit.lo);
}

export function isInsertVersion(bytes: Uint8Array, offset: number): boolean {
  return (bytes[offset + 7] & 1) === 1;
}

export function readVersionTs(bytes: Uint8Array, offset: number): bigint {
  return (BigInt(readU32(bytes, offset)) << 31n) | BigInt(readU32(bytes, offset + 4) >>> 1);
}
