import type { RegionDescriptor, StarScanReply } from '@quarry/proto';
import { subjectHash, type Term } from '@quarry/rdf';
import {
  bindingKey,
  evaluateStarLocally,
  mergeBindings,
  portableExpressionText,
  starVariables,
  type Binding,
  type MatchOptions,
  type QuadSource,
  type StarGroupCount,
  type StarQuery,
} from '@quarry/sparql';
import { isStaleRegion, MAX_REROUTES, packSolutions, regionOwns, starToWire, StoreStarScan, termToWire, unpackSolutions, type PackedSolutions, type StoreClient } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { mergeStreams } from './merge-streams';

/** Solutions held back until every region answered, so a split met midway can be retried cleanly. */
const HOLD_ROWS = 20_000;
const ATTEMPTS = 3;

/** What the first page of a StarScan asks (later pages carry only the cursor). */
interface StarScanQuery {
  patterns: ReturnType<typeof starToWire>;
  graph: ReturnType<typeof termToWire>;
  seedVariables?: string[];
  seeds?: PackedSolutions;
  filters?: string[];
  groupBy?: string[];
  countGroups?: boolean;
}

/** Seeds projected on the star's variables, each distinct projection sent once. */
interface SeedPlan {
  distinct: Binding[];
  /** For each distinct projection, the indexes of the seeds that have it. */
  owners: number[][];
}

/**
 * Evaluates stars on the storage nodes (StarScan): seeds that bind the subject go to the
 * region owning it, the others to every region; each region answers for its subjects, so
 * the union is the star's solutions. A region split or merged before anything was returned
 * is retried on the new layout; when the layout keeps moving, the star is evaluated pattern
 * by pattern through `fallback`, which follows splits on its own.
 */
export class ClusterStarScanner {
  constructor(
    private readonly stores: StoreClient,
    private readonly readTs: () => Promise<bigint>,
    private readonly fallback: QuadSource,
  ) {}

  async *matchStar(star: StarQuery, seeds: readonly Binding[], opts: MatchOptions = {}): AsyncIterable<Binding[]> {
    const variables = starVariables(star.patterns);
    const plan = planSeeds(seeds, variables);
    const readTs = await this.readTs();
    for (let attempt = 1; ; attempt++) {
      const held: Binding[][] = [];
      let heldRows = 0;
      let streaming = false;
      try {
        const perRegion = await this.route(star, plan);
        const streams = [...perRegion.values()].map(({ region, seeds: mine }) =>
          this.regionRows(region, star, plan, seeds, mine, variables, readTs, opts.signal),
        );
        for await (const rows of mergeStreams(streams)) {
          if (streaming) yield rows;
          else {
            held.push(rows);
            heldRows += rows.length;
            if (heldRows > HOLD_ROWS) {
              streaming = true;
              yield* held.splice(0);
            }
          }
        }
        yield* held;
        return;
      } catch (err) {
        if (!isStaleRegion(err)) throw err;
        if (streaming) throw new QuarryError('UNAVAILABLE', 'the region layout changed while this query was streaming results; run it again', true);
        if (attempt >= ATTEMPTS) {
          yield* evaluateStarLocally(this.fallback, star, seeds, opts);
          return;
        }
        await this.stores.router.refresh();
      }
    }
  }

  /**
   * The star's solutions counted per group in each region it may have solutions in (the one
   * owning a constant subject, else all), at the query's timestamp. Partial counts: a group
   * may come from several regions, and the caller sums them. A layout change (a region
   * refusing with STALE_EPOCH, also when it split while counting) is counted again on the new
   * layout: nothing has been handed on yet.
   */
  async countStarGroups(star: StarQuery, groupBy: string[], opts: MatchOptions = {}): Promise<StarGroupCount[]> {
    const readTs = await this.readTs();
    const subject = star.patterns[0].s;
    for (let attempt = 1; ; attempt++) {
      const regions = subject.termType === 'Variable' ? await this.stores.router.regions() : [await this.stores.router.regionFor(subject)];
      let stale: RegionDescriptor | undefined;
      const perRegion = await Promise.all(
        regions.map((r) =>
          this.regionCounts(r, star, groupBy, readTs, opts.signal).catch((err: unknown) => {
            if (!isStaleRegion(err)) throw err;
            stale = r;
            return [];
          }),
        ),
      );
      if (!stale) return perRegion.flat();
      if (attempt > MAX_REROUTES) throw new QuarryError('UNAVAILABLE', 'the region layout kept changing while counting; run the query again', true);
      // The store that refused has applied a split or merge; the map follows moments later.
      await this.stores.router.refreshPast(stale);
    }
  }

  private async regionCounts(region: RegionDescriptor, star: StarQuery, groupBy: string[], readTs: bigint, signal?: AbortSignal): Promise<StarGroupCount[]> {
    const out: StarGroupCount[] = [];
    const first = { patterns: starToWire(star.patterns), graph: termToWire(star.graph), groupBy, countGroups: true };
    for await (const reply of this.pages(region, readTs, first, signal)) {
      const keys = unpackSolutions(reply.variables, reply.rows);
      if (reply.counts.length !== keys.length) throw new QuarryError('INTERNAL', `store ${reply.storeId} sent ${keys.length} groups with ${reply.counts.length} counts`, false);
      keys.forEach((key, i) => out.push({ key, count: Number(reply.counts[i]) }));
    }
    return out;
  }

  /** A StarScan's pages: the first from the region's leader, the rest from the store holding the cursor. */
  private async *pages(
    region: RegionDescriptor,
    readTs: bigint,
    first: StarScanQuery,
    signal?: AbortSignal,
  ): AsyncGenerator<StarScanReply> {
    const at = { regionId: region.id, regionVersion: region.version, readTs };
    let reply: StarScanReply = await this.stores.read(StoreStarScan, region, { ...at, ...first }, signal);
    for (;;) {
      yield reply;
      if (!reply.cursor) return;
      reply = await this.stores.callStore(StoreStarScan, reply.storeId, { ...at, cursor: reply.cursor }, signal);
    }
  }

  /** Which regions get which distinct seeds. */
  private async route(star: StarQuery, plan: SeedPlan): Promise<Map<number, { region: RegionDescriptor; seeds: number[] }>> {
    const subject = star.patterns[0].s;
    const out = new Map<number, { region: RegionDescriptor; seeds: number[] }>();
    const add = (region: RegionDescriptor, seed: number): void => {
      const entry = out.get(region.id);
      if (entry) entry.seeds.push(seed);
      else out.set(region.id, { region, seeds: [seed] });
    };
    const everywhere: number[] = [];
    // One look at the map for the whole batch, not an await per seed.
    const regions = await this.stores.router.regions();
    for (let i = 0; i < plan.distinct.length; i++) {
      const s: Term | undefined = subject.termType === 'Variable' ? plan.distinct[i].get(subject.value) : subject;
      if (s === undefined) everywhere.push(i);
      else if (s.termType !== 'Literal') {
        const hash = subjectHash(s);
        const owner = regions.find((r) => regionOwns(r, hash));
        add(owner ?? (await this.stores.router.regionForHash(hash)), i);
      }
    }
    if (everywhere.length > 0) for (const r of regions) for (const i of everywhere) add(r, i);
    return out;
  }

  private async *regionRows(
    region: RegionDescriptor,
    star: StarQuery,
    plan: SeedPlan,
    seeds: readonly Binding[],
    mine: number[],
    variables: string[],
    readTs: bigint,
    signal?: AbortSignal,
  ): AsyncGenerator<Binding[]> {
    const seedVariables = variables.filter((v) => mine.some((i) => plan.distinct[i].has(v)));
    const wireSeeds = seedVariables.length ? packSolutions(seedVariables, mine.map((i) => plan.distinct[i])) : undefined;
    // Without seed variables every seed shares the one answer (the star is independent of them).
    const seedOf = (row: number): number[] => (seedVariables.length ? plan.owners[mine[row]] : mine.flatMap((i) => plan.owners[i]));
    const first = { patterns: starToWire(star.patterns), graph: termToWire(star.graph), seedVariables, seeds: wireSeeds, filters: portableFilters(star) };
    for await (const reply of this.pages(region, readTs, first, signal)) {
      const rows = unpackSolutions(reply.variables, reply.rows);
      if (reply.rowSeeds.length !== rows.length) throw new QuarryError('INTERNAL', `store ${reply.storeId} sent ${rows.length} rows with ${reply.rowSeeds.length} seeds`, false);
      const out: Binding[] = [];
      for (let r = 0; r < rows.length; r++) {
        const owners = seedOf(reply.rowSeeds[r]);
        if (owners === undefined) throw new QuarryError('INTERNAL', `store ${reply.storeId} sent a row for seed ${reply.rowSeeds[r]}, which it was not sent`, false);
        for (const j of owners) out.push(mergeBindings(seeds[j], rows[r]));
      }
      if (out.length > 0) yield out;
    }
  }
}

function planSeeds(seeds: readonly Binding[], variables: string[]): SeedPlan {
  const index = new Map<string, number>();
  const plan: SeedPlan = { distinct: [], owners: [] };
  seeds.forEach((seed, j) => {
    const key = bindingKey(seed, variables);
    let i = index.get(key);
    if (i === undefined) {
      i = plan.distinct.length;
      index.set(key, i);
      const projected = new Map<string, Term>();
      for (const v of variables) {
        const t = seed.get(v);
        if (t) projected.set(v, t);
      }
      plan.distinct.push(projected);
      plan.owners.push([]);
    }
    plan.owners[i].push(j);
  });
  return plan;
}

/** The star's conditions a storage node can check (the engine checks all of them again). */
function portableFilters(star: StarQuery): string[] {
  return (star.filters ?? []).map(portableExpressionText).filter((t): t is string => t !== undefined);
}
