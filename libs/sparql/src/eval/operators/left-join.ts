import type { Expr, Op, TriplePattern } from '../../algebra/algebra';
import { hiddenVariableName } from '../../algebra/variables';
import { integerLiteral } from '../../rdf/terms';
import { filterPasses } from '../../expr/evaluate-expression';
import { BatchBuffer, fromArray, materialize, type BindingStream } from '../batching';
import { compatible, extend, merge, type Binding } from '../binding';
import { LOOKUP_CONCURRENCY, mapConcurrent } from '../concurrent';
import { checkAborted, checkMaterialized, type EvalContext } from '../context';
import { pipelineBatches, REMOTE_PIPELINE } from '../pipeline';
import { computeExists, existsNodes } from '../exists';
import type { Evaluate } from './evaluate-type';
import { evaluateBgpFrom } from './bgp';
import { SolutionHashTable } from './join';

/**
 * LeftJoin(L, R, expr) (§18.5): each left solution is extended by the compatible right
 * solutions whose merge satisfies expr, or kept alone when there are none. With a seed-safe
 * right side R is evaluated per left solution (bind join); otherwise R is built into a hash table.
 */
export async function* leftJoin(
  left: BindingStream,
  right: Op,
  expr: Expr | undefined,
  ctx: EvalContext,
  seed: Binding,
  evaluate: Evaluate,
  rightIsSeedSafe: boolean,
  joinVars: string[],
): BindingStream {
  const exists = expr ? existsNodes(expr) : [];
  const table = rightIsSeedSafe ? undefined : new SolutionHashTable(await materialize(evaluate(right, ctx, seed), ctx), joinVars);
  const buffer = new BatchBuffer(ctx.batchSize);
  // Bind join: the right side is evaluated for a whole batch of left rows at once, several
  // batches in flight (see pipeline.ts); with a hash table there is nothing remote to wait for.
  const rightRows = async (batch: Binding[]): Promise<Iterable<Binding>[]> => {
    checkAborted(ctx);
    if (table) return batch.map((l) => table.candidates(l));
    if (right.type === 'bgp') return bgpPerRow(batch, right.patterns, ctx);
    return mapConcurrent(batch, LOOKUP_CONCURRENCY, (l) => materialize(evaluate(right, ctx, l), ctx));
  };
  const batches = table ? mapBatches(left, rightRows) : pipelineBatches(left, REMOTE_PIPELINE, rightRows);
  for await (const [batch, perRow] of batches) {
    for (let i = 0; i < batch.length; i++) {
      const l = batch[i];
      let matched = false;
      for (const r of perRow[i]) {
        if (!compatible(l, r)) continue;
        const m = merge(l, r);
        if (expr) {
          const existsResults = await computeExists(exists, m, ctx, evaluate);
          if (!filterPasses(expr, m, ctx.call, existsResults)) continue;
        }
        matched = true;
        if (buffer.push(m)) yield buffer.take();
      }
      if (!matched && buffer.push(l)) yield buffer.take();
    }
  }
  if (buffer.length > 0) yield buffer.take();
}

/** Each input batch with what `fn` makes of it, one after another. */
async function* mapBatches<T, R>(input: AsyncIterable<T[]>, fn: (batch: T[]) => Promise<R>): AsyncGenerator<[T[], R]> {
  for await (const batch of input) yield [batch, await fn(batch)];
}

/** Marks which left row a right solution extends, so one BGP evaluation serves a whole batch. */
const ROW_TAG = hiddenVariableName('row');

/**
 * A BGP evaluated once for a whole batch of left rows (one lookup round per stage, or one
 * star call per region), its solutions handed back to the rows they extend.
 */
async function bgpPerRow(batch: Binding[], patterns: TriplePattern[], ctx: EvalContext): Promise<Binding[][]> {
  const tagged = batch.map((l, i) => extend(l, ROW_TAG, integerLiteral(i)));
  const out: Binding[][] = batch.map(() => []);
  let count = 0;
  for await (const rows of evaluateBgpFrom(fromArray(tagged, tagged.length), patterns, ctx)) {
    for (const r of rows) {
      const m = new Map(r);
      m.delete(ROW_TAG);
      out[Number(r.get(ROW_TAG)!.value)].push(m);
    }
    count += rows.length;
    checkMaterialized(ctx, count);
  }
  return out;
}
