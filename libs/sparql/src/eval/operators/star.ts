import type * as RDF from '@rdfjs/types';
import type { TriplePattern } from '../../algebra/algebra';
import { termKey, type NamedNode } from '../../rdf/terms';
import type { StarQuery, StarSource } from '../../storage/star-source';
import { BatchBuffer, type BindingStream } from '../batching';
import type { Binding } from '../binding';
import { checkAborted, type EvalContext } from '../context';

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
 * Extends every input solution by a star's matches, a batch of seeds per call to the source.
 * A lone pattern for a lone solution, with no condition to check where the data is, gains
 * nothing from pushdown: `single` streams its scan.
 */
export async function* starStage(
  input: BindingStream,
  star: StarQuery,
  source: StarSource,
  ctx: EvalContext,
  single: (seeds: Binding[]) => BindingStream,
): BindingStream {
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const seeds of input) {
    checkAborted(ctx);
    const alone = star.patterns.length === 1 && seeds.length === 1 && !star.filters?.length;
    const matches = alone ? single(seeds) : source.matchStar(star, seeds, { batchSize: ctx.batchSize, signal: ctx.signal });
    for await (const rows of matches) {
      for (const row of rows) if (buffer.push(row)) yield buffer.take();
    }
  }
  if (buffer.length > 0) yield buffer.take();
}
