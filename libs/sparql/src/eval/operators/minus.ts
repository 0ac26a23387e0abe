import { materialize, type BindingStream } from '../batching';
import { compatible, type Binding } from '../binding';
import type { EvalContext } from '../context';
import { flatMapRows } from '../batching';

function sharesVariable(a: Binding, b: Binding): boolean {
  for (const k of a.keys()) if (b.has(k)) return true;
  return false;
}

/** Minus (§18.5): drops left solutions compatible with some right solution sharing a variable. */
export async function* minus(left: BindingStream, right: BindingStream, ctx: EvalContext): BindingStream {
  const rights = await materialize(right, ctx);
  yield* flatMapRows(left, ctx, function* (l) {
    if (!rights.some((r) => sharesVariable(l, r) && compatible(l, r))) yield l;
  });
}
