import type { RegionDescriptor } from '@quarry/proto';
import type { Quad } from '@quarry/rdf';
import type { Binding, MatchOptions, QuadPattern, QuadSource, StarCountSource, StarGroupCount, StarQuery } from '@quarry/sparql';
import { isStaleRegion, patternToWire, scanHashRange, type StoreClient } from '@quarry/store-client';
import type { NamedNode } from 'n3';
import { DataFactory } from 'n3';
import { ClusterStarScanner } from './cluster-star-scanner';
import { EstimateCache } from './estimate-cache';
import { mergeStreams } from './merge-streams';

const PAGE = 5000;

/**
 * The whole cluster as one QuadSource at one read timestamp: a pattern with a bound subject
 * goes to the one region owning that subject; others fan out to every region in parallel,
 * each region's pages streamed back as they arrive.
 */
export class ClusterQuadSource implements QuadSource {
  private ts?: Promise<bigint>;

  constructor(
    protected readonly stores: StoreClient,
    private readonly timestamp: () => Promise<bigint>,
    private readonly estimates: EstimateCache = new EstimateCache(),
  ) {}

  /** One timestamp for the whole request, taken on first use: every scan reads the same cut. */
  readTs(): Promise<bigint> {
    return (this.ts ??= this.timestamp());
  }

  /** The read timestamp if a read took one (the snapshot an update's WHERE part saw). */
  snapshotTs(): Promise<bigint> | undefined {
    return this.ts;
  }

  private async regionsFor(pattern: QuadPattern): Promise<RegionDescriptor[]> {
    if (pattern.s && (pattern.s.termType === 'NamedNode' || pattern.s.termType === 'BlankNode' || pattern.s.termType === 'Literal')) {
      return [await this.stores.router.regionFor(pattern.s)];
    }
    return this.stores.router.regions();
  }

  async *match(pattern: QuadPattern, opts: MatchOptions = {}): AsyncIterable<Quad[]> {
    const [regions, readTs] = await Promise.all([this.regionsFor(pattern), this.readTs()]);
    const wire = patternToWire(pattern);
    // Pages are sized for the network, not for the evaluator's batches: a round trip per
    // 128 quads would make scans slow.
    const limit = PAGE;
    if (regions.length === 1) {
      yield* this.scanRegion(regions[0], wire, readTs, limit, opts.signal);
      return;
    }
    yield* mergeStreams(regions.map((r) => this.scanRegion(r, wire, readTs, limit, opts.signal)));
  }

  /** The region's hash range as the map had it, scanned whatever splits or merges happen meanwhile. */
  private async *scanRegion(
    region: RegionDescriptor,
    pattern: ReturnType<typeof patternToWire>,
    readTs: bigint,
    limit: number,
    signal?: AbortSignal,
  ): AsyncGenerator<Quad[]> {
    yield* scanHashRange(this.stores, region, { pattern, readTs, limit }, signal);
  }

  async estimate(pattern: QuadPattern): Promise<number> {
    let regions = await this.regionsFor(pattern);
    const wire = patternToWire(pattern);
    const key = [pattern.s, pattern.p, pattern.o, pattern.g]
      .map((t) => (t ? `${t.termType}:${t.value}:${t.termType === 'Literal' ? `${t.language}^${t.datatype.value}` : ''}` : '?'))
      .join(' ');
    for (let attempt = 0; ; attempt++) {
      try {
        const counts = await Promise.all(
          regions.map((r) =>
            this.estimates.get(`${r.id}.${r.version} ${key}`, async () => Number((await this.stores.estimate(r, { regionId: r.id, pattern: wire })).count)),
          ),
        );
        return counts.reduce((sum, c) => sum + c, 0);
      } catch (err) {
        // A region split or merged since the map was read: estimate again on the new layout.
        if (!isStaleRegion(err) || attempt >= 3) throw err;
        await this.stores.router.refresh();
        regions = await this.regionsFor(pattern);
      }
    }
  }

  /** Named graphs, found by scanning: fine for a handful of graphs, slow on large stores. */
  async *graphs(): AsyncIterable<NamedNode> {
    const seen = new Set<string>();
    for await (const batch of this.match({})) {
      for (const q of batch) {
        if (q.graph.termType === 'NamedNode' && !seen.has(q.graph.value)) {
          seen.add(q.graph.value);
          yield DataFactory.namedNode(q.graph.value);
        }
      }
    }
  }
}

/** The cluster with stars evaluated, and counted per group, on the storage nodes (StarScan); see ClusterStarScanner. */
export class PushdownClusterQuadSource extends ClusterQuadSource implements StarCountSource {
  private stars?: ClusterStarScanner;

  matchStar(star: StarQuery, seeds: readonly Binding[], opts?: MatchOptions): AsyncIterable<Binding[]> {
    return this.scanner().matchStar(star, seeds, opts);
  }

  countStarGroups(star: StarQuery, groupBy: string[], opts?: MatchOptions): Promise<StarGroupCount[]> {
    return this.scanner().countStarGroups(star, groupBy, opts);
  }

  private scanner(): ClusterStarScanner {
    return (this.stars ??= new ClusterStarScanner(this.stores, () => this.readTs(), this));
  }
}
