import type { Expr } from '../../algebra/algebra';
import { withRowScope } from '../../expr/call-context';
import { filterPasses, tryEvaluate } from '../../expr/evaluate-expression';
import { BatchBuffer, type BindingStream } from '../batching';
import { extend, type Binding } from '../binding';
import { checkAborted, type EvalContext } from '../context';
import { computeExists, existsNodes } from '../exists';
import type { Evaluate } from './evaluate-type';

export async function* filter(input: BindingStream, expr: Expr, ctx: EvalContext, evaluate: Evaluate): BindingStream {
  const exists = existsNodes(expr);
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const batch of input) {
    checkAborted(ctx);
    for (const b of batch) {
      const existsResults = await computeExists(exists, b, ctx, evaluate);
      if (filterPasses(expr, b, ctx.call, existsResults) && buffer.push(b)) yield buffer.take();
    }
  }
  if (buffer.length > 0) yield buffer.take();
}

export interface Assignment {
  variable: string;
  expr: Expr;
}

/**
 * A chain of Extends (BIND / select expressions) applied row by row. The chain shares one
 * BNODE(label) scope per solution, so `BNODE(?x) AS ?a, BNODE(?x) AS ?b` agree. An
 * evaluation error leaves the variable unbound.
 */
export async function* extendWith(input: BindingStream, assignments: Assignment[], ctx: EvalContext, evaluate: Evaluate): BindingStream {
  const exists = assignments.map((a) => existsNodes(a.expr));
  for await (const batch of input) {
    checkAborted(ctx);
    const out: Binding[] = [];
    for (const row of batch) {
      const call = withRowScope(ctx.call);
      let b = row;
      for (let i = 0; i < assignments.length; i++) {
        const { variable, expr } = assignments[i]!;
        if (b.has(variable)) continue;
        const value = tryEvaluate(expr, b, call, await computeExists(exists[i]!, b, ctx, evaluate));
        if (value !== undefined) b = extend(b, variable, value);
      }
      out.push(b);
    }
    yield out;
  }
}
