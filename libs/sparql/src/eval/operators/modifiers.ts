import type { OrderCondition } from '../../algebra/algebra';
import { tryEvaluate } from '../../expr/evaluate-expression';
import { compareOrderKeys, orderKey } from '../../expr/order';
import type { Term } from '../../rdf/terms';
import { flatMapRows, fromArray, materialize, type BindingStream } from '../batching';
import { solutionKey, type Binding } from '../binding';
import { checkAborted, checkMaterialized, type EvalContext } from '../context';

export function project(input: BindingStream, variables: string[], ctx: EvalContext): BindingStream {
  return flatMapRows(input, ctx, function* (b) {
    const out = new Map<string, Term>();
    for (const v of variables) {
      const t = b.get(v);
      if (t !== undefined) out.set(v, t);
    }
    yield out;
  });
}

/** Streaming DISTINCT: remembers the keys of solutions already emitted. */
export function distinct(input: BindingStream, ctx: EvalContext): BindingStream {
  const seen = new Set<string>();
  return flatMapRows(input, ctx, function* (b) {
    const key = solutionKey(b);
    if (seen.has(key)) return;
    seen.add(key);
    checkMaterialized(ctx, seen.size);
    yield b;
  });
}

/** Stops pulling from the input once the limit is reached. */
export async function* slice(input: BindingStream, offset: number, limit: number | undefined, ctx: EvalContext): BindingStream {
  if (limit === 0) return;
  let skipped = 0;
  let emitted = 0;
  for await (const batch of input) {
    checkAborted(ctx);
    let rows = batch;
    if (skipped < offset) {
      const skip = Math.min(offset - skipped, rows.length);
      skipped += skip;
      rows = rows.slice(skip);
    }
    if (limit !== undefined && emitted + rows.length >= limit) {
      yield rows.slice(0, limit - emitted);
      return;
    }
    emitted += rows.length;
    if (rows.length > 0) yield rows;
  }
}

/** ORDER BY: materialises, then a stable sort on the evaluated keys (errors sort as unbound). */
export async function* orderBy(input: BindingStream, conditions: OrderCondition[], ctx: EvalContext): BindingStream {
  const rows = await materialize(input, ctx);
  const keyed = rows.map((b) => ({ b, keys: conditions.map((c) => orderKey(tryEvaluate(c.expr, b, ctx.call))) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < conditions.length; i++) {
      const c = compareOrderKeys(x.keys[i], y.keys[i]);
      if (c !== 0) return conditions[i]!.descending ? -c : c;
    }
    return 0;
  });
  yield* fromArray(
    keyed.map((k) => k.b),
    ctx.batchSize,
  );
}

export function valuesStream(rows: Array<Record<string, Term | undefined>>, seed: Binding, ctx: EvalContext): BindingStream {
  const out: Binding[] = [];
  for (const row of rows) {
    const b = new Map(seed);
    let ok = true;
    for (const [k, v] of Object.entries(row)) {
      if (v === undefined) continue;
      const existing = b.get(k);
      if (existing !== undefined && !existing.equals(v)) {
        ok = false;
        break;
      }
      b.set(k, v);
    }
    if (ok) out.push(b);
  }
  return fromArray(out, ctx.batchSize);
}
