import type { Op } from '../algebra/algebra';
import { inScopeVariables } from '../algebra/variables';
import { UnsupportedQueryError } from '../errors';
import type { NamedNode, Term } from '../rdf/terms';
import { namedGraphsOf } from './active-graph';
import { fromArray, type BindingStream } from './batching';
import { compatible, merge, type Binding } from './binding';
import type { EvalContext } from './context';
import { evaluateBgp, evaluateBgpFrom } from './operators/bgp';
import { extendWith, filter, type Assignment } from './operators/filter-extend';
import { countedGroup, countedGroupPlan } from './operators/counted-group';
import { group } from './operators/group';
import { bindJoin, hashJoin } from './operators/join';
import { leftJoin } from './operators/left-join';
import { minus } from './operators/minus';
import { distinct, orderBy, project, slice, valuesStream } from './operators/modifiers';
import { evaluatePath } from './operators/path';
import { isSeedSafe } from './seed-safety';

/** Per-operator planning facts, cached because bind joins re-evaluate subtrees per row. */
const joinPlans = new WeakMap<Op, { shared: string[]; rightSeedSafe: boolean }>();

function joinPlan(op: Extract<Op, { type: 'join' | 'leftJoin' }>): { shared: string[]; rightSeedSafe: boolean } {
  let plan = joinPlans.get(op);
  if (!plan) {
    const l = inScopeVariables(op.left);
    plan = { shared: [...inScopeVariables(op.right)].filter((v) => l.has(v)), rightSeedSafe: isSeedSafe(op.right) };
    joinPlans.set(op, plan);
  }
  return plan;
}

/**
 * Evaluates an algebra operator to a stream of solution batches. The seed is a solution whose
 * values are substituted into the operator (empty at top level; the outer solution for
 * EXISTS and bind joins). Every produced solution is compatible with the seed.
 */
export function evaluate(op: Op, ctx: EvalContext, seed: Binding): BindingStream {
  switch (op.type) {
    case 'bgp':
      return evaluateBgp(op.patterns, ctx, seed);
    case 'path':
      return evaluatePath(op.s, op.path, op.o, ctx, seed);
    case 'join': {
      // Bind join when the left side's values can drive index lookups on the right; a
      // cartesian product (no shared variable) is cheaper as one hash-join build.
      const { shared, rightSeedSafe } = joinPlan(op);
      if (shared.length > 0 && rightSeedSafe) {
        // A BGP joins a whole batch of left solutions per stage (one lookup round per batch).
        if (op.right.type === 'bgp') return evaluateBgpFrom(evaluate(op.left, ctx, seed), op.right.patterns, ctx);
        return bindJoin(evaluate(op.left, ctx, seed), op.right, ctx, evaluate);
      }
      return hashJoin(evaluate(op.left, ctx, seed), evaluate(op.right, ctx, seed), shared, ctx);
    }
    case 'leftJoin': {
      const { shared, rightSeedSafe } = joinPlan(op);
      const bind = shared.length > 0 && rightSeedSafe;
      return leftJoin(evaluate(op.left, ctx, seed), op.right, op.expr, ctx, seed, evaluate, bind, shared);
    }
    case 'union':
      return concat(evaluate(op.left, ctx, seed), evaluate(op.right, ctx, seed));
    case 'minus':
      return minus(evaluate(op.left, ctx, seed), evaluate(op.right, ctx, seed), ctx);
    case 'filter':
      if (op.input.type === 'bgp') return filter(evaluateBgp(op.input.patterns, ctx, seed, [op.expr]), op.expr, ctx, evaluate);
      return filter(evaluate(op.input, ctx, seed), op.expr, ctx, evaluate);
    case 'extend': {
      // Consecutive Extends run as one operator (shared per-solution BNODE scope, fewer stages).
      const chain: Assignment[] = [];
      let input: Op = op;
      while (input.type === 'extend') {
        chain.unshift({ variable: input.variable, expr: input.expr });
        input = input.input;
      }
      return extendWith(evaluate(input, ctx, seed), chain, ctx, evaluate);
    }
    case 'values':
      return valuesStream(op.rows, seed, ctx);
    case 'graph':
      return evaluateGraph(op, ctx, seed);
    case 'service':
      return evaluateService(op, ctx, seed);
    case 'group': {
      const counted = countedGroupPlan(op, ctx, seed);
      if (counted) return countedGroup(op, counted, ctx);
      return group(evaluate(op.input, ctx, seed), op.keys, op.aggregates, ctx);
    }
    case 'orderBy':
      return orderBy(evaluate(op.input, ctx, seed), op.conditions, ctx);
    case 'project':
      return project(evaluate(op.input, ctx, seed), op.variables, ctx);
    case 'distinct':
      return distinct(evaluate(op.input, ctx, seed), ctx);
    case 'reduced':
      // REDUCED permits but does not require removing duplicates: streaming them is cheapest.
      return evaluate(op.input, ctx, seed);
    case 'slice':
      return slice(evaluate(op.input, ctx, seed), op.offset, op.limit, ctx);
  }
}

async function* concat(...streams: BindingStream[]): BindingStream {
  for (const s of streams) yield* s;
}

/**
 * Graph(?g, P) = union over named graphs g of Join(eval(P in g), {?g: g}) (§18.6): the
 * pattern itself does not see ?g bound, so the variable is added after evaluation.
 */
async function* evaluateGraph(op: Extract<Op, { type: 'graph' }>, ctx: EvalContext, seed: Binding): BindingStream {
  const named = await namedGraphsOf(ctx);
  const fixed: Term | undefined = op.name.termType === 'Variable' ? seed.get(op.name.value) : op.name;
  const candidates: NamedNode[] = fixed === undefined ? named : named.filter((g) => g.equals(fixed));
  const variable = op.name.termType === 'Variable' ? op.name.value : undefined;
  for (const g of candidates) {
    const inner: EvalContext = { ...ctx, activeGraph: g };
    for await (const batch of evaluate(op.input, inner, seed)) {
      if (variable === undefined) {
        yield batch;
        continue;
      }
      const out: Binding[] = [];
      for (const b of batch) {
        const current = b.get(variable);
        if (current === undefined) out.push(merge(b, new Map([[variable, g]])));
        else if (current.equals(g)) out.push(b);
      }
      if (out.length > 0) yield out;
    }
  }
}

async function* evaluateService(op: Extract<Op, { type: 'service' }>, ctx: EvalContext, seed: Binding): BindingStream {
  const endpoint = op.name.termType === 'Variable' ? seed.get(op.name.value) : op.name;
  try {
    if (!ctx.serviceHandler) throw new UnsupportedQueryError('SERVICE is not supported without a service handler');
    if (endpoint?.termType !== 'NamedNode') {
      throw new UnsupportedQueryError(`SERVICE ?${op.name.value}: the variable must be bound to an IRI by the patterns before it`);
    }
    for await (const batch of ctx.serviceHandler({ endpoint, queryText: op.queryText, pattern: op.input, seed, signal: ctx.signal })) {
      yield batch.filter((b) => compatible(seed, b));
    }
  } catch (e) {
    if (!op.silent) throw e;
    yield* fromArray([seed], 1);
  }
}
