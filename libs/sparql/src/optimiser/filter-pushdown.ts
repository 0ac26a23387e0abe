import type { Expr, Op } from '../algebra/algebra';
import { containsExists, expressionVariables } from '../algebra/variables';
import { certainlyBound } from '../eval/seed-safety';

function conjuncts(expr: Expr): Expr[] {
  if (expr.type === 'call' && expr.name === '&&' && expr.args.length === 2) return expr.args.flatMap(conjuncts);
  return [expr];
}

function conjunction(exprs: Expr[]): Expr | undefined {
  if (exprs.length === 0) return undefined;
  return exprs.reduce((a, b) => ({ type: 'call', name: '&&', args: [a, b] }));
}

/**
 * Moves each conjunct of a FILTER over a join into the join side that always binds all the
 * variables it reads. Safe because such a conjunct sees the same values before and after
 * the join. Conjuncts with EXISTS stay put (their pattern may read the other side).
 */
export function pushFilter(expr: Expr, input: Op): Op {
  if (input.type !== 'join') return { type: 'filter', expr, input };
  const leftBound = certainlyBound(input.left);
  const rightBound = certainlyBound(input.right);
  const toLeft: Expr[] = [];
  const toRight: Expr[] = [];
  const keep: Expr[] = [];
  for (const c of conjuncts(expr)) {
    const vars = [...expressionVariables(c)];
    if (containsExists(c) || vars.length === 0) keep.push(c);
    else if (vars.every((v) => leftBound.has(v))) toLeft.push(c);
    else if (vars.every((v) => rightBound.has(v))) toRight.push(c);
    else keep.push(c);
  }
  const leftExpr = conjunction(toLeft);
  const rightExpr = conjunction(toRight);
  const join: Op = {
    type: 'join',
    left: leftExpr ? pushFilter(leftExpr, input.left) : input.left,
    right: rightExpr ? pushFilter(rightExpr, input.right) : input.right,
  };
  const rest = conjunction(keep);
  return rest ? { type: 'filter', expr: rest, input: join } : join;
}
