import { fromArray, type BindingStream } from '../eval/batching';
import { estimateActiveGraph } from '../eval/active-graph';
import { keyOf, type Binding } from '../eval/binding';
import type { Term } from '../rdf/terms';
import type { EvalContext } from '../eval/context';
import { patternStages } from '../eval/operators/bgp';
import { newCallContext } from '../expr/call-context';
import { filterPasses } from '../expr/evaluate-expression';
import { orderBgp } from '../optimiser/bgp-order';
import type { MatchOptions, QuadSource } from './quad-source';
import { starVariables, type StarGroupCount, type StarQuery } from './star-source';

/**
 * Evaluates a star against a local source (a storage node's region): patterns ordered by the
 * local estimates, then one index-nested-loop stage per pattern over all seeds together.
 */
export async function* evaluateStarLocally(source: QuadSource, star: StarQuery, seeds: readonly Binding[], opts: MatchOptions = {}): BindingStream {
  const batchSize = opts.batchSize ?? 256;
  const ctx: EvalContext = {
    source,
    dataset: { defaultGraph: [star.graph], namedGraphs: [] },
    activeGraph: star.graph.termType === 'NamedNode' ? star.graph : 'default',
    call: newCallContext(undefined),
    signal: opts.signal,
    limits: {},
    batchSize,
  };
  // Plan for what the seeds bind: a star whose object the seeds fix starts from that object.
  const bound = starVariables(star.patterns).filter((v) => seeds.length > 0 && seeds.every((seed) => seed.has(v)));
  const ordered = await orderBgp(star.patterns, (s, p, o) => estimateActiveGraph(ctx, s, p, o), bound);
  const rows = patternStages(fromArray([...seeds], batchSize), ordered, ctx);
  const filters = star.filters ?? [];
  if (filters.length === 0) {
    yield* rows;
    return;
  }
  for await (const batch of rows) {
    const kept = batch.filter((b) => filters.every((f) => filterPasses(f, b, ctx.call)));
    if (kept.length > 0) yield kept;
  }
}

/**
 * A star's solutions against a local source, counted per distinct value of `groupBy` (the
 * partial counts a region answers for a pushed-down GROUP BY ... COUNT).
 */
export async function countStarGroupsLocally(
  source: QuadSource,
  star: StarQuery,
  groupBy: readonly string[],
  opts: MatchOptions = {},
): Promise<StarGroupCount[]> {
  const groups = new Map<string, StarGroupCount>();
  for await (const batch of evaluateStarLocally(source, star, [new Map()], opts)) {
    for (const b of batch) {
      const k = keyOf(b, [...groupBy]);
      const g = groups.get(k);
      if (g) g.count++;
      else {
        const key = new Map<string, Term>();
        for (const v of groupBy) {
          const t = b.get(v);
          if (t) key.set(v, t);
        }
        groups.set(k, { key, count: 1 });
      }
    }
  }
  return [...groups.values()];
}
