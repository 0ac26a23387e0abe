import type { Expr } from '../algebra/algebra';
import type { ExistsResults } from '../expr/evaluate-expression';
import { isEmpty } from './batching';
import type { Binding } from './binding';
import type { EvalContext } from './context';
import type { Evaluate } from './operators/evaluate-type';

/** EXISTS nodes of an expression (not those nested inside another EXISTS's pattern). */
export function existsNodes(expr: Expr, out: Expr[] = []): Expr[] {
  switch (expr.type) {
    case 'exists':
      out.push(expr);
      break;
    case 'call':
    case 'iriCall':
      expr.args.forEach((a) => existsNodes(a, out));
      break;
    case 'in':
      existsNodes(expr.expr, out);
      expr.list.forEach((a) => existsNodes(a, out));
      break;
    default:
      break;
  }
  return out;
}

/**
 * Evaluates EXISTS patterns for one solution with substitution semantics (§18.6): the pattern
 * runs with the solution as seed, so its variables (also inside its FILTERs) take those values.
 */
export async function computeExists(nodes: Expr[], binding: Binding, ctx: EvalContext, evaluate: Evaluate): Promise<ExistsResults | undefined> {
  if (nodes.length === 0) return undefined;
  const results = new Map<Expr, boolean>();
  for (const node of nodes) {
    if (node.type !== 'exists') continue;
    results.set(node, !(await isEmpty(evaluate(node.pattern, ctx, binding))));
  }
  return results;
}
