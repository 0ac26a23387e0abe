import type { Expr, Op } from '../algebra/algebra';
import { orderBgp, type PatternEstimator } from './bgp-order';
import { pushFilter } from './filter-pushdown';

/**
 * Rewrites an algebra tree for evaluation: BGP join ordering from source estimates (the
 * second estimator is used inside GRAPH) and filter pushdown into joins. Everything else is
 * left as translated.
 */
export async function optimise(op: Op, estimate: PatternEstimator, namedGraphEstimate: PatternEstimator = estimate): Promise<Op> {
  const rec = (o: Op): Promise<Op> => optimise(o, estimate, namedGraphEstimate);
  switch (op.type) {
    case 'bgp':
      return { type: 'bgp', patterns: await orderBgp(op.patterns, estimate) };
    case 'path':
    case 'values':
      return op;
    case 'join':
    case 'union':
    case 'minus':
      return { ...op, left: await rec(op.left), right: await rec(op.right) };
    case 'leftJoin':
      return {
        ...op,
        left: await rec(op.left),
        right: await rec(op.right),
        expr: op.expr ? await optimiseExpr(op.expr, estimate) : undefined,
      };
    case 'filter': {
      const expr = await optimiseExpr(op.expr, estimate);
      return pushFilter(expr, await rec(op.input));
    }
    case 'extend':
      return { ...op, input: await rec(op.input), expr: await optimiseExpr(op.expr, estimate) };
    case 'graph':
      // Inside GRAPH the active graph is a named graph: estimate against those instead.
      return { ...op, input: await optimise(op.input, namedGraphEstimate) };
    case 'service':
    case 'group':
    case 'orderBy':
    case 'project':
    case 'distinct':
    case 'reduced':
    case 'slice':
      return { ...op, input: await rec(op.input) } as Op;
  }
}

/** Optimises the patterns inside EXISTS. */
async function optimiseExpr(expr: Expr, estimate: PatternEstimator): Promise<Expr> {
  switch (expr.type) {
    case 'exists':
      return { ...expr, pattern: await optimise(expr.pattern, estimate) };
    case 'call':
    case 'iriCall':
      return { ...expr, args: await Promise.all(expr.args.map((a) => optimiseExpr(a, estimate))) };
    case 'in':
      return {
        ...expr,
        expr: await optimiseExpr(expr.expr, estimate),
        list: await Promise.all(expr.list.map((a) => optimiseExpr(a, estimate))),
      };
    default:
      return expr;
  }
}
