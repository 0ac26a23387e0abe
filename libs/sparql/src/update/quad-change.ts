import type { Quad } from '../rdf/terms';

/**
 * The net effect of an update request: quads to remove, then quads to add. Deletes may name
 * quads that are not stored and inserts quads that already are; applying the change is
 * idempotent, so writers need not filter them.
 */
export interface QuadChange {
  deletes: Quad[];
  inserts: Quad[];
}

/**
 * What the caller implements to make an update durable. `commit` must apply the whole change
 * atomically (all deletes, then all inserts) or not at all.
 */
export interface QuadWriter {
  commit(change: QuadChange): Promise<void>;
}

/** Fetches the RDF behind an IRI for LOAD. Throw to report failure (LOAD SILENT swallows it). */
export type UpdateLoader = (iri: string, signal?: AbortSignal) => AsyncIterable<Quad>;
