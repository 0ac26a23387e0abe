import { fromArray, type BindingStream } from '../eval/batching';
import { estimateActiveGraph } from '../eval/active-graph';
import { keyOf, type Binding } from '../eval/binding';
import { termKey, type Term } from '../rdf/terms';
import type { TriplePattern } from '../algebra/algebra';
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
  const single = singlePatternCount(star, groupBy);
  if (single) return countMatches(source, single, star.graph, opts);
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

/** A star of one pattern counted straight off its matches: the quad position of the group key. */
interface SinglePatternCount {
  pattern: TriplePattern;
  /** The group variable and the quad position holding it; none for one overall count. */
  key?: { variable: string; position: 'subject' | 'predicate' | 'object' };
}

/**
 * A star of one pattern, no filters and at most one group variable counts one per matching
 * quad, so it needs no binding per solution, no join stage and no group key string per row.
 * A pattern repeating a variable (?x :p ?x) needs the join check, so it takes the general path.
 */
function singlePatternCount(star: StarQuery, groupBy: readonly string[]): SinglePatternCount | undefined {
  if (star.patterns.length !== 1 || star.filters?.length || groupBy.length > 1) return undefined;
  const [pattern] = star.patterns;
  // Patterns that cannot match (a literal subject, a non-IRI predicate) are left to the general path.
  if (pattern.s.termType === 'Literal' || (pattern.p.termType !== 'Variable' && pattern.p.termType !== 'NamedNode')) return undefined;
  const positions = [
    ['subject', pattern.s],
    ['predicate', pattern.p],
    ['object', pattern.o],
  ] as const;
  const variables = positions.filter(([, t]) => t.termType === 'Variable').map(([, t]) => t.value);
  if (new Set(variables).size !== variables.length) return undefined;
  if (groupBy.length === 0) return { pattern };
  const at = positions.find(([, t]) => t.termType === 'Variable' && t.value === groupBy[0]);
  return at ? { pattern, key: { variable: groupBy[0], position: at[0] } } : undefined;
}

async function countMatches(source: QuadSource, plan: SinglePatternCount, graph: StarQuery['graph'], opts: MatchOptions): Promise<StarGroupCount[]> {
  const constant = (t: TriplePattern['s']): Term | undefined => (t.termType === 'Variable' ? undefined : t);
  const { pattern, key } = plan;
  const match = source.match({ s: constant(pattern.s), p: constant(pattern.p), o: constant(pattern.o), g: graph }, opts);
  if (!key) {
    let count = 0;
    for await (const quads of match) count += quads.length;
    return count > 0 ? [{ key: new Map(), count }] : [];
  }
  // Stores hand out one term object per id, so counting by object identity first and merging
  // equal terms afterwards looks each distinct term up once instead of once per quad.
  const byTerm = new Map<Term, number>();
  for await (const quads of match) {
    for (const q of quads) {
      const t = q[key.position];
      byTerm.set(t, (byTerm.get(t) ?? 0) + 1);
    }
  }
  const groups = new Map<string, StarGroupCount>();
  for (const [t, count] of byTerm) {
    const k = termKey(t);
    const g = groups.get(k);
    if (g) g.count += count;
    else groups.set(k, { key: new Map([[key.variable, t]]), count });
  }
  return [...groups.values()];
}
