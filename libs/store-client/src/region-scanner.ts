import type { QuadPattern as WirePattern, RegionDescriptor, ScanReply } from '@quarry/proto';
import { quadToLine, type Quad } from '@quarry/rdf';
import { QuarryError } from '@quarry/transport';
import { quadsOfPage } from './scan-page';
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
   * Quads remembered to resume after a split or merge. A scan that streamed more than this
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
 * Streams every quad matching the pattern whose subject hash is in `range`,
 * at one read timestamp, whatever splits and merges happen meanwhile. Scan cursors are only
 * valid in the region that produced them (term ids are region-local), so when a region answers
 * STALE_EPOCH mid-scan the range is scanned again on the new layout, at the same timestamp
 * (so the same quads), and the quads already streamed are skipped.
 */
export async function* scanHashRange(stores: StoreClient, range: HashRange, scan: RangeScan, signal?: AbortSignal): AsyncGenerator<Quad[]> {
  const maxTracked = scan.maxTracked ?? 1_000_000;
  // What was streamed, kept as the pages themselves: a set is only built if a layout change
  // makes the scan start over, which is rare, so the common case pays no hashing per line.
  let streamed: Quad[][] | undefined = [];
  let streamedLines = 0;
  let skip: Set<string> | undefined;
  for (let reroutes = 0; ; reroutes++) {
    let current: RegionDescriptor | undefined;
    try {
      for (const r of await stores.router.regionsOverlapping(range.startHash, range.endHash)) {
        current = r;
        const filter = filterFor(range, r);
        const fetchPage = (cursor: string, cursorStore: number): Promise<ScanReply> => {
          const reply = stores.scan(r, { regionId: r.id, pattern: scan.pattern, readTs: scan.readTs, limit: scan.limit, cursor, cursorStore, range: filter }, signal);
          reply.catch(() => undefined); // awaited below; a consumer that stops early never asks
          return reply;
        };
        let next: Promise<ScanReply> | undefined = fetchPage('', 0);
        while (next) {
          const page: ScanReply = await next;
          // Ask for the next page before handing this one on: the store reads while we decode.
          next = page.cursor ? fetchPage(page.cursor, page.storeId) : undefined;
          const quads = quadsOfPage(page);
          const fresh = skip ? quads.filter((q) => !skip!.has(quadToLine(q, 'N-Quads'))) : quads;
          if (streamed) {
            streamed.push(fresh);
            streamedLines += fresh.length;
            if (streamedLines > maxTracked) streamed = undefined;
          }
          if (fresh.length) yield fresh;
        }
      }
      return;
    } catch (err) {
      if (!isStaleRegion(err) || reroutes >= MAX_REROUTES) throw err;
      if (!streamed) throw new QuarryError('UNAVAILABLE', `the region layout changed during a scan of more than ${maxTracked} quads; retry the query`, true);
      skip ??= new Set<string>();
      for (const page of streamed) for (const q of page) skip.add(quadToLine(q, 'N-Quads'));
      streamed = [];
      if (current) await stores.router.refreshPast(current);
      else await stores.router.refresh();
    }
  }
}
