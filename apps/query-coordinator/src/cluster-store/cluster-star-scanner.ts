import type { RegionDescriptor, StarScanReply } from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import {
  bindingKey,
  evaluateStarLocally,
  mergeBindings,
  portableExpressionText,
  starVariables,
  type Binding,
  type MatchOptions,
  type QuadSource,
  type StarQuery,
} from '@quarry/sparql';
import { isStaleRegion, rowFromWire, rowToWire, starToWire, StoreStarScan, termToWire, type StoreClient } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { mergeStreams } from './merge-streams';

/** Solutions held back until every region answered, so a split met midway can be retried cleanly. */
const HOLD_ROWS = 20_000;
const ATTEMPTS = 3;

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
    for (let i = 0; i < plan.distinct.length; i++) {
      const s: Term | undefined = subject.termType === 'Variable' ? plan.distinct[i].get(subject.value) : subject;
      if (s === undefined) everywhere.push(i);
      else if (s.termType !== 'Literal') add(await this.stores.router.regionFor(s), i);
    }
    if (everywhere.length > 0) for (const r of await this.stores.router.regions()) for (const i of everywhere) add(r, i);
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
    const wireSeeds = seedVariables.length ? mine.map((i) => rowToWire(seedVariables, plan.distinct[i])) : [];
    // Without seed variables every seed shares the one answer (the star is independent of them).
    const seedOf = (row: number): number[] => (seedVariables.length ? plan.owners[mine[row]] : mine.flatMap((i) => plan.owners[i]));
    let reply: StarScanReply = await this.stores.read(
      StoreStarScan,
      region,
      {
        regionId: region.id,
        regionVersion: region.version,
        readTs,
        patterns: starToWire(star.patterns),
        graph: termToWire(star.graph),
        seedVariables,
        seeds: wireSeeds,
        filters: portableFilters(star),
      },
      signal,
    );
    for (;;) {
      const out: Binding[] = [];
      for (const row of reply.rows) {
        const values = rowFromWire(reply.variables, row);
        for (const j of seedOf(row.seed)) out.push(mergeBindings(seeds[j], values));
      }
      if (out.length > 0) yield out;
      if (!reply.cursor) return;
      reply = await this.stores.callStore(
        StoreStarScan,
        reply.storeId,
        { regionId: region.id, regionVersion: region.version, readTs, cursor: reply.cursor },
        signal,
      );
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
