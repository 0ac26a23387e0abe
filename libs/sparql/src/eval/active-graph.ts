import type * as RDF from '@rdfjs/types';
import { factory, termKey, type NamedNode, type Quad, type Term } from '../rdf/terms';
import type { EvalContext } from './context';

/**
 * Matches a triple pattern against the active graph. For a default graph made of several
 * graphs the result is their RDF merge, so triples present in more than one graph are
 * reported once.
 */
export async function* matchActiveGraph(ctx: EvalContext, s: Term | undefined, p: Term | undefined, o: Term | undefined): AsyncIterable<Quad[]> {
  const opts = { batchSize: ctx.batchSize, signal: ctx.signal };
  if (ctx.activeGraph !== 'default') {
    yield* ctx.source.match({ s, p, o, g: ctx.activeGraph }, opts);
    return;
  }
  const spec = ctx.dataset.defaultGraph;
  const graphs: Array<NamedNode | RDF.DefaultGraph | undefined> = spec === 'union' ? [undefined] : spec;
  if (graphs.length === 1 && spec !== 'union') {
    yield* ctx.source.match({ s, p, o, g: graphs[0] }, opts);
    return;
  }
  const seen = new Set<string>();
  for (const g of graphs) {
    for await (const batch of ctx.source.match({ s, p, o, g }, opts)) {
      const fresh = batch.filter((q) => {
        const key = `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      if (fresh.length > 0) yield fresh.map((q) => factory.quad(q.subject, q.predicate, q.object));
    }
  }
}

/** Estimated cardinality of a pattern in the active graph. */
export async function estimateActiveGraph(ctx: EvalContext, s?: Term, p?: Term, o?: Term): Promise<number> {
  if (ctx.activeGraph !== 'default') return ctx.source.estimate({ s, p, o, g: ctx.activeGraph });
  const spec = ctx.dataset.defaultGraph;
  if (spec === 'union') return ctx.source.estimate({ s, p, o });
  let n = 0;
  for (const g of spec) n += await ctx.source.estimate({ s, p, o, g });
  return n;
}

/** The named graphs GRAPH ?g iterates over. */
export async function namedGraphsOf(ctx: EvalContext): Promise<NamedNode[]> {
  if (ctx.dataset.namedGraphs !== 'all') return ctx.dataset.namedGraphs;
  const out: NamedNode[] = [];
  for await (const g of ctx.source.graphs()) out.push(g);
  return out;
}
