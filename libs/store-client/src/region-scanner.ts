import type { QuadPattern as WirePattern, RegionDescriptor } from '@quarry/proto';
import { QuarryError } from '@quarry/transport';
import { MAX_REROUTES } from './region-writer';
import { isStaleRegion, type StoreClient } from './store-client';

export interface HashRange {
  startHash: bigint;
  /** Exclusive; 0 = up to 2^64. */
  endHash: bigint;
}

export interface RangeScan {
  pattern: WirePattern;
  readTs: bigint;
  /** Quads per page. */
  limit: number;
  /**
   * Lines remembered to resume after a split or merge. A scan that streamed more than this
   * and then meets a layout change fails (retry the query) instead of holding more memory.
   */
  maxTracked?: number;
}

const SPACE_END = 1n << 64n;
const endOf = (end: bigint): bigint => (end === 0n ? SPACE_END : end);

/** The part of `range` inside region `r`, or undefined when it is the whole region (no filter needed). */
function filterFor(range: HashRange, r: RegionDescriptor): HashRange | undefined {
  const start = range.startHash > r.startHash ? range.startHash : r.startHash;
  const end = endOf(range.endHash) < endOf(r.endHash) ? endOf(range.endHash) : endOf(r.endHash);
  if (start === r.startHash && end === endOf(r.endHash)) return undefined;
  return { startHash: start, endHash: end >= SPACE_END ? 0n : end };
}

/**
 * Streams, as N-Quads lines, every quad matching the pattern whose subject hash is in `range`,
 * at one read timestamp, whatever splits and merges happen meanwhile. Scan cursors are only
 * valid in the region that produced them (term ids are region-local), so when a region answers
 * STALE_EPOCH mid-scan the range is scanned again on the new layout, at the same timestamp
 * (so the same quads), and the lines already streamed are skipped.
 */
export async function* scanHashRange(stores: StoreClient, range: HashRange, scan: RangeScan, signal?: AbortSignal): AsyncGenerator<string[]> {
  const maxTracked = scan.maxTracked ?? 1_000_000;
  let emitted: Set<string> | undefined = new Set<string>();
  let restarted = false;
  for (let reroutes = 0; ; reroutes++) {
    let current: RegionDescriptor | undefined;
    try {
      for (const r of await stores.router.regionsOverlapping(range.startHash, range.endHash)) {
        current = r;
        const filter = filterFor(range, r);
        let cursor = '';
        let cursorStore = 0;
        do {
          const page = await stores.scan(r, { regionId: r.id, pattern: scan.pattern, readTs: scan.readTs, limit: scan.limit, cursor, cursorStore, range: filter }, signal);
          cursorStore = page.storeId;
          const lines = page.nquads.split('\n').filter((l) => l.length > 0);
          const fresh = restarted && emitted ? lines.filter((l) => !emitted!.has(l)) : lines;
          if (emitted) {
            for (const l of fresh) emitted.add(l);
            if (emitted.size > maxTracked) emitted = undefined;
          }
          if (fresh.length) yield fresh;
          cursor = page.cursor;
        } while (cursor);
      }
      return;
    } catch (err) {
      if (!isStaleRegion(err) || reroutes >= MAX_REROUTES) throw err;
      if (!emitted) throw new QuarryError('UNAVAILABLE', `the region layout changed during a scan of more than ${maxTracked} quads; retry the query`, true);
      restarted = true;
      if (current) await stores.router.refreshPast(current);
      else await stores.router.refresh();
    }
  }
}
