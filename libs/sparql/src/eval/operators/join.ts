import type { Op } from '../../algebra/algebra';
import { BatchBuffer, materialize, type BindingStream } from '../batching';
import { compatible, keyOf, merge, type Binding } from '../binding';
import { checkAborted, type EvalContext } from '../context';
import type { Evaluate } from './evaluate-type';

/**
 * Bind join (index nested loop): evaluates the right side once per left solution with that
 * solution as seed. Only used when substituting the seed is equivalent to joining (see
 * isSeedSafe), which holds for BGPs, paths, unions and the like.
 */
export async function* bindJoin(left: BindingStream, right: Op, ctx: EvalContext, evaluate: Evaluate): BindingStream {
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const batch of left) {
    for (const l of batch) {
      checkAborted(ctx);
      for await (const rights of evaluate(right, ctx, l)) {
        for (const r of rights) if (compatible(l, r) && buffer.push(merge(l, r))) yield buffer.take();
      }
    }
  }
  if (buffer.length > 0) yield buffer.take();
}

/** A hash table over one side's solutions, keyed on join variables they all bind. */
export class SolutionHashTable {
  private readonly buckets = new Map<string, Binding[]>();
  /** Solutions missing a join variable: they must be checked against every probe. */
  private readonly partial: Binding[] = [];

  constructor(
    readonly rows: Binding[],
    private readonly joinVars: string[],
  ) {
    for (const r of rows) {
      if (joinVars.every((v) => r.has(v))) {
        const key = keyOf(r, joinVars);
        const bucket = this.buckets.get(key);
        if (bucket) bucket.push(r);
        else this.buckets.set(key, [r]);
      } else this.partial.push(r);
    }
  }

  /** Candidates that may be compatible with `probe` (callers still check compatibility). */
  candidates(probe: Binding): Iterable<Binding> {
    if (this.joinVars.length === 0 || !this.joinVars.every((v) => probe.has(v))) return this.rows;
    const bucket = this.buckets.get(keyOf(probe, this.joinVars)) ?? [];
    return this.partial.length === 0 ? bucket : [...bucket, ...this.partial];
  }
}

/** Hash join: materialises the right side (build) and streams the left side (probe). */
export async function* hashJoin(left: BindingStream, right: BindingStream, joinVars: string[], ctx: EvalContext): BindingStream {
  const table = new SolutionHashTable(await materialize(right, ctx), joinVars);
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const batch of left) {
    checkAborted(ctx);
    for (const l of batch) {
      for (const r of table.candidates(l)) if (compatible(l, r) && buffer.push(merge(l, r))) yield buffer.take();
    }
  }
  if (buffer.length > 0) yield buffer.take();
}
