import type { QuadSource, QuadWriter } from '@quarry/sparql';

/** Reads and a commit of one request: the commit is checked against what the reads saw. */
export interface SparqlTransaction {
  source: QuadSource;
  writer: QuadWriter;
}

/**
 * What the HTTP layer needs from storage. The lead binds the distributed implementation
 * (regions over NATS) to SPARQL_DATASET; InMemorySparqlDataset serves tests and local runs.
 */
export interface SparqlDataset {
  /** A consistent view for one request; later commits must not change what it returns. */
  source(): QuadSource;
  /** Applies a net change atomically, not checked against any read (blind writes). */
  readonly writer: QuadWriter;
  /**
   * A read-write transaction with snapshot isolation: its source reads one snapshot, and its
   * writer's commit fails (ABORTED, write conflict) if another transaction changed one of the
   * same quads after that snapshot.
   */
  begin(): SparqlTransaction;
}

/** Nest injection token for the SparqlDataset. */
export const SPARQL_DATASET = Symbol('SPARQL_DATASET');
