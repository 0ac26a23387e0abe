import type { Op } from '../../algebra/algebra';
import { integerLiteral } from '../../rdf/terms';
import { isStarCountSource, starVariables, type StarQuery } from '../../storage/star-source';
import { fromArray, type BindingStream } from '../batching';
import { keyOf, type Binding } from '../binding';
import { checkMaterialized, type EvalContext } from '../context';
import { planStars, starGraph } from './star';

type GroupOp = Extract<Op, { type: 'group' }>;

interface CountPlan {
  star: StarQuery;
  groupBy: string[];
}

/**
 * GROUP BY over one star with only COUNTs, counted where the data lives (partial counts per
 * region, summed here), as distributed databases push partial aggregation down. Every
 * variable of a basic graph pattern is bound in each of its solutions, so COUNT(?v) of a star
 * variable equals COUNT(*). Anything else (DISTINCT, other aggregates, expressions as keys,
 * filters, a seed from an outer join) is left to the general group operator.
 */
export function countedGroupPlan(op: GroupOp, ctx: EvalContext, seed: Binding): CountPlan | undefined {
  if (!isStarCountSource(ctx.source) || seed.size > 0 || op.input.type !== 'bgp' || op.input.patterns.length === 0) return undefined;
  const stars = planStars(op.input.patterns);
  const graph = starGraph(ctx);
  if (stars.length !== 1 || !graph) return undefined;
  const own = new Set(starVariables(stars[0]));
  const groupBy: string[] = [];
  for (const k of op.keys) {
    if (k.expr.type !== 'var' || k.expr.name !== k.variable || !own.has(k.variable)) return undefined;
    groupBy.push(k.variable);
  }
  for (const { aggregate } of op.aggregates) {
    if (aggregate.name !== 'count' || aggregate.distinct) return undefined;
    if (aggregate.expr && (aggregate.expr.type !== 'var' || !own.has(aggregate.expr.name))) return undefined;
  }
  return { star: { patterns: stars[0], graph }, groupBy };
}

export async function* countedGroup(op: GroupOp, plan: CountPlan, ctx: EvalContext): BindingStream {
  if (!isStarCountSource(ctx.source)) throw new Error('countedGroup needs a StarCountSource');
  const partial = await ctx.source.countStarGroups(plan.star, plan.groupBy, { batchSize: ctx.batchSize, signal: ctx.signal });
  // Regions answer for their own subjects, so one group can come back from several.
  const groups = new Map<string, { key: Binding; count: number }>();
  for (const g of partial) {
    const k = keyOf(g.key, plan.groupBy);
    const seen = groups.get(k);
    if (seen) seen.count += g.count;
    else groups.set(k, { key: g.key, count: g.count });
  }
  checkMaterialized(ctx, groups.size);
  // An aggregate query without GROUP BY has one group, even over no solutions.
  if (groups.size === 0 && plan.groupBy.length === 0) groups.set('', { key: new Map(), count: 0 });
  const out: Binding[] = [];
  for (const { key, count } of groups.values()) {
    const b = new Map(key);
    for (const { variable } of op.aggregates) b.set(variable, integerLiteral(count));
    out.push(b);
  }
  yield* fromArray(out, ctx.batchSize);
}
