import type { StorageEnv } from './lmdb-env';
import type { EntryCheck } from './derived-visibility';
import { readCommitSummary, type CommitSummary } from './commit-summary';
import { REGION_PREFIX_SIZE } from './keys';
import { RecentInsertsLog, quadHashAt, type PackedQuads, type QuadHash } from './recent-inserts';

export interface ReadCacheOptions {
  /** Quads of recent commits logged per region (recent-inserts.ts); default 1,000,000. */
  recentInsertsPerRegion?: number;
  /** Tombstone markers held in memory per region; beyond, scans look them up in LMDB. Default 1,000,000. */
  maxCachedMarkers?: number;
}

interface RegionCache {
  log: RecentInsertsLog;
  /** The region's tombstone markers; `undefined` until a scan needs them, 'stored' when over the cap. */
  markers: Set<QuadHash> | 'stored' | undefined;
  /** Markers of the write being applied (recorded before its commit, which may not be visible yet). */
  pendingMarkers: QuadHash[];
}

/**
 * What a QuadStore keeps in memory per region so that scans over the version-less indexes read
 * few versions (DESIGN.md "MVCC"): the recent-inserts log and the tombstone markers. Nothing here
 * is stored: a reopened store starts each region's log at its newest commit. Every operation that
 * changes a region's data outside `applyBatch` (restore, merge, split, drop) runs under
 * `rebuilding`, which makes scans of the region ignore the caches until it has committed and the
 * caches are rebuilt from the committed state.
 */
export class RegionReadCaches {
  private readonly regions = new Map<string, RegionCache>();
  private readonly rebuildingRegions = new Map<string, number>();
  private readonly maxLogged: number;
  private readonly maxMarkers: number;

  constructor(
    private readonly env: StorageEnv,
    options: ReadCacheOptions = {},
  ) {
    this.maxLogged = options.recentInsertsPerRegion ?? 1_000_000;
    this.maxMarkers = options.maxCachedMarkers ?? 1_000_000;
  }

  /** Called by the writer with a commit's inserted quads and new markers, before the commit. */
  recordWrite(region: Buffer, ts: bigint, inserted: PackedQuads[], marked: PackedQuads[]): void {
    const cache = this.cacheOf(region);
    if (cache === undefined) return;
    for (const quads of inserted) cache.log.record(ts, quads);
    cache.pendingMarkers = [];
    for (const { keys, width } of marked) {
      for (let at = 0; at < keys.length; at += width) cache.pendingMarkers.push(quadHashAt(keys, at, width));
    }
    this.addMarkers(cache, cache.pendingMarkers);
  }

  /** The write recorded last has committed (or failed): its markers are in LMDB (or nowhere). */
  writeDone(region: Buffer): void {
    const cache = this.regions.get(region.toString('hex'));
    if (cache !== undefined) cache.pendingMarkers = [];
  }

  /** Runs a region operation; scans of `regions` bypass the caches until it ends, then they restart. */
  async rebuilding<T>(regions: Buffer[], operation: () => Promise<T>): Promise<T> {
    const names = regions.map((r) => r.toString('hex'));
    for (const name of names) {
      this.rebuildingRegions.set(name, (this.rebuildingRegions.get(name) ?? 0) + 1);
      this.regions.delete(name);
    }
    try {
      return await operation();
    } finally {
      for (const name of names) {
        const left = this.rebuildingRegions.get(name)! - 1;
        if (left === 0) this.rebuildingRegions.delete(name);
        else this.rebuildingRegions.set(name, left);
        this.regions.delete(name);
      }
    }
  }

  /** Forgets everything about a region (it was dropped or created, or written behind the store's back). */
  forget(region: Buffer): void {
    this.regions.delete(region.toString('hex'));
  }

  /** gc removed markers: reload them when next needed (the log stays exact for reads at or above the safe point). */
  forgetMarkers(region: Buffer): void {
    const cache = this.regions.get(region.toString('hex'));
    if (cache !== undefined) cache.markers = undefined;
  }

  /** The horizon of a region's log (tests, diagnostics); `undefined` when no cache is held. */
  horizonOf(region: Buffer): bigint | undefined {
    return this.regions.get(region.toString('hex'))?.log.horizon;
  }

  /**
   * How a scan at `readTs` decides that an entry of a version-less index is visible, given the
   * commit summary read in the scan's transaction.
   */
  entryCheck(region: Buffer, summary: CommitSummary | undefined, readTs: bigint): EntryCheck {
    if (summary === undefined) return { kind: 'versions' };
    const cache = this.cacheOf(region);
    let recent: Set<QuadHash> | undefined;
    if (readTs < summary.newestTs) {
      recent = cache?.log.insertedAfter(readTs);
      if (recent === undefined) return { kind: 'versions' };
    }
    const markers = summary.tombstones ? (cache === undefined ? 'stored' : this.markersOf(region, cache)) : undefined;
    if ((recent === undefined || recent.size === 0) && markers === undefined) return { kind: 'all' };
    return { kind: 'listed', recent, markers };
  }

  private cacheOf(region: Buffer): RegionCache | undefined {
    const name = region.toString('hex');
    if (this.rebuildingRegions.has(name)) return undefined;
    let cache = this.regions.get(name);
    if (cache === undefined) {
      // Every version stored now is at or below the committed newest ts (writes record
      // themselves before they commit, so none is between its commit and its record).
      const horizon = readCommitSummary(this.env, region)?.newestTs ?? 0n;
      cache = { log: new RecentInsertsLog(horizon, this.maxLogged), markers: undefined, pendingMarkers: [] };
      this.regions.set(name, cache);
    }
    return cache;
  }

  private markersOf(region: Buffer, cache: RegionCache): Set<QuadHash> | 'stored' {
    if (cache.markers !== undefined) return cache.markers;
    const end = Buffer.concat([region, Buffer.alloc(32, 0xff)]);
    const markers = new Set<QuadHash>(cache.pendingMarkers);
    for (const key of this.env.tombstoned.getKeys({ start: region, end })) {
      const bytes = key as Uint8Array;
      markers.add(quadHashAt(bytes, REGION_PREFIX_SIZE, bytes.length - REGION_PREFIX_SIZE));
      if (markers.size > this.maxMarkers) {
        cache.markers = 'stored';
        return 'stored';
      }
    }
    cache.markers = markers;
    return markers;
  }

  private addMarkers(cache: RegionCache, keys: QuadHash[]): void {
    const markers = cache.markers;
    if (markers === undefined || markers === 'stored') return;
    for (const key of keys) markers.add(key);
    if (markers.size > this.maxMarkers) cache.markers = 'stored';
  }
}
