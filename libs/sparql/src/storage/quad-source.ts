import type * as RDF from '@rdfjs/types';
import type { NamedNode, Quad, Term } from '../rdf/terms';

/**
 * A quad pattern. Undefined positions match anything. For `g`: undefined = any graph
 * including the default graph, a DefaultGraph term = the default graph only, a NamedNode =
 * that graph only.
 */
export interface QuadPattern {
  s?: Term;
  p?: Term;
  o?: Term;
  g?: NamedNode | RDF.DefaultGraph;
}

export interface MatchOptions {
  /** Preferred batch size; sources may return smaller or larger batches. */
  batchSize?: number;
  signal?: AbortSignal;
}

/**
 * What the evaluator needs from storage. The distributed layer implements this over regions;
 * InMemoryQuadSource implements it locally. Results come in batches to amortise async overhead.
 */
export interface QuadSource {
  match(pattern: QuadPattern, opts?: MatchOptions): AsyncIterable<Quad[]>;
  /** Estimated number of quads matching the pattern (used for join ordering; need not be exact). */
  estimate(pattern: QuadPattern): Promise<number>;
  /** The named graphs (not the default graph). */
  graphs(): AsyncIterable<NamedNode>;
}
