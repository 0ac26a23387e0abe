import type { QuadSource, QuadWriter } from '@quarry/sparql';

/**
 * What the HTTP layer needs from storage. The lead binds the distributed implementation
 * (regions over NATS) to SPARQL_DATASET; InMemorySparqlDataset serves tests and local runs.
 */
export interface SparqlDataset {
  /** A consistent view for one request; later commits must not change what it returns. */
  source(): QuadSource;
  /** Applies an update's net change atomically. */
  readonly writer: QuadWriter;
}

/** Nest injection token for the SparqlDataset. */
export const SPARQL_DATASET = Symbol('SPARQL_DATASET');
