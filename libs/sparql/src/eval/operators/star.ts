import type * as RDF from '@rdfjs/types';
import type { TriplePattern } from '../../algebra/algebra';
import { termKey, type NamedNode } from '../../rdf/terms';
import type { StarQuery, StarSource } from '../../storage/star-source';
import { BatchBuffer, flatMapRows, loneSolution, type BindingStream } from '../batching';
import type { Binding } from '../binding';
import { checkAborted, checkMaterialized, type EvalContext } from '../context';

import { pipelineBatches, REMOTE_PIPELINE } from '../pipeline';

/**
 * Groups ordered patterns into stars by subject, in the order their first pattern appears:
 * the optimiser put the most selective pattern first, so its star leads.
 */
export function planStars(patterns: readonly TriplePattern[]): TriplePattern[][] {
  const stars = new Map<string, TriplePattern[]>();
  for (const p of patterns) {
    const key = termKey(p.s);
    const star = stars.get(key);
    if (star) star.push(p);
    else stars.set(key, [p]);
  }
  return [...stars.values()];
}

/**
 * The single graph patterns are matched in, when there is one: the store's default graph or
 * one named graph. A default graph merged from several graphs (FROM, union mode) needs the
 * coordinator's de-duplication, so such stars are not pushed down.
 */
export function starGraph(ctx: EvalContext): NamedNode | RDF.DefaultGraph | undefined {
  if (ctx.activeGraph !== 'default') return ctx.activeGraph;
  const spec = ctx.dataset.defaultGraph;
  return spec !== 'union' && spec.length === 1 ? spec[0] : undefined;
}

/**
 * Extends every input solution by a star's matches, a batch of seeds per call to the source,
 * several calls in flight (see pipeline.ts). A lone pattern for a lone solution, with no
 * condition to check where the data is, gains nothing from pushdown: `single` streams its scan.
 */
export async function* starStage(
  input: BindingStream,
  star: StarQuery,
  source: StarSource,
  ctx: EvalContext,
  single: (seeds: Binding[]) => BindingStream,
): BindingStream {
  const { lone, rest } = await loneSolution(input);
  if (lone !== undefined) {
    // The first stage of a BGP: stream, so that LIMIT stops the scans early.
    const alone = star.patterns.length === 1 && !star.filters?.length;
    const matches = alone ? single([lone]) : source.matchStar(star, [lone], { batchSize: ctx.batchSize, signal: ctx.signal });
    yield* flatMapRows(matches, ctx, (row) => [row]);
    return;
  }
  const buffer = new BatchBuffer(ctx.batchSize);
  const matches = async (seeds: Binding[]): Promise<Binding[]> => {
    checkAborted(ctx);
    const out: Binding[] = [];
    for await (const rows of source.matchStar(star, seeds, { batchSize: ctx.batchSize, signal: ctx.signal })) for (const row of rows) out.push(row);
    checkMaterialized(ctx, out.length);
    return out;
  };
  for await (const [, rows] of pipelineBatches(rest, REMOTE_PIPELINE, matches)) {
    for (const row of rows) if (buffer.push(row)) yield buffer.take();
  }
  if (buffer.length > 0) yield buffer.take();
}
