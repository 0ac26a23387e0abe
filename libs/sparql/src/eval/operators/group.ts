import type { Aggregate, Expr } from '../../algebra/algebra';
import { tryEvaluate } from '../../expr/evaluate-expression';
import type { Term } from '../../rdf/terms';
import { termKey } from '../../rdf/terms';
import { computeAggregate } from '../aggregates';
import { fromArray, type BindingStream } from '../batching';
import type { Binding } from '../binding';
import { checkAborted, checkMaterialized, type EvalContext } from '../context';

interface GroupState {
  keyValues: Array<Term | undefined>;
  rows: Binding[];
}

/** Group + aggregation (§18.5): buffers the input per group key, then computes aggregates. */
export async function* group(
  input: BindingStream,
  keys: Array<{ variable: string; expr: Expr }>,
  aggregates: Array<{ variable: string; aggregate: Aggregate }>,
  ctx: EvalContext,
): BindingStream {
  const groups = new Map<string, GroupState>();
  let total = 0;
  for await (const batch of input) {
    checkAborted(ctx);
    for (const b of batch) {
      const keyValues = keys.map((k) => tryEvaluate(k.expr, b, ctx.call));
      const key = keyValues.map((v) => (v === undefined ? '\u0000' : termKey(v))).join('|');
      let state = groups.get(key);
      if (!state) groups.set(key, (state = { keyValues, rows: [] }));
      state.rows.push(b);
    }
    total += batch.length;
    checkMaterialized(ctx, total);
  }
  // An aggregate query without GROUP BY has one (possibly empty) group.
  if (groups.size === 0 && keys.length === 0) groups.set('', { keyValues: [], rows: [] });
  const out: Binding[] = [];
  for (const state of groups.values()) {
    const b = new Map<string, Term>();
    keys.forEach((k, i) => {
      const v = state.keyValues[i];
      if (v !== undefined) b.set(k.variable, v);
    });
    for (const { variable, aggregate } of aggregates) {
      const v = computeAggregate(aggregate, state.rows, ctx.call);
      if (v !== undefined) b.set(variable, v);
    }
    out.push(b);
  }
  yield* fromArray(out, ctx.batchSize);
}
