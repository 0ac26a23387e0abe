import type { DefaultGraphMode, ServiceHandler, UpdateLoader } from '@quarry/sparql';

/** Limits and behaviour of the SPARQL Protocol and Graph Store endpoints. */
export interface SparqlHttpOptions {
  /** Largest query/update text or request body in bytes; more gets 413. */
  maxRequestBytes: number;
  /** Largest Graph Store PUT/POST body in bytes; more gets 413. */
  maxUploadBytes: number;
  /** Timeout when the request has no `timeout` parameter (milliseconds). */
  defaultTimeoutMs: number;
  /** Upper bound for the `timeout` parameter (milliseconds). */
  maxTimeoutMs: number;
  /** Requests one client (remote address) may have in flight; more get 429. */
  maxConcurrentPerClient: number;
  /** What the default graph is for a query without FROM / default-graph-uri. */
  defaultGraphMode: DefaultGraphMode;
  /** Bounds ORDER BY / GROUP BY / hash-join buffering per query. */
  maxMaterializedRows?: number;
  /**
   * Solutions per evaluation batch. Results stream to the client a batch at a time, so
   * smaller batches mean earlier first bytes at some throughput cost.
   */
  queryBatchSize: number;
  /** Fetches documents for SPARQL LOAD; without it LOAD fails (or is skipped if SILENT). */
  loader?: UpdateLoader;
  /** Evaluates SERVICE (federated query); without it SERVICE answers 501 (or is empty if SILENT). */
  serviceHandler?: ServiceHandler;
  /** Loads Graph Store POST bodies of at least `minBytes` as sagas (docs/sagas.md); without it every POST is one commit. */
  bulkLoader?: BulkBodyLoader;
}

/** A large RDF body to load as a saga into one graph. */
export interface BulkBodyRequest {
  body: Buffer;
  /** The request's media type (text/turtle, application/n-triples, ...). */
  mediaType: string;
  baseIri: string;
  /** The graph every triple goes into; undefined = the default graph. */
  graph?: string;
  /** What `quarry jobs` shows for it. */
  label: string;
}

export interface BulkBodyLoader {
  /** Bodies this large or larger go through `load`; 0 = never. */
  readonly minBytes: number;
  /** Runs the saga to its end: completed, or paused / aborted with an error. */
  load(req: BulkBodyRequest): Promise<BulkLoadOutcome>;
  /**
   * SPARQL `LOAD <iri> [INTO GRAPH <graph>]` as a saga when the source is a local file LOAD may
   * read of at least `minBytes`; undefined when it is not (the LOAD then runs in the update's
   * transaction). Throws when the file is unreadable or unparsable, before anything is written.
   */
  loadFileIfLarge?(iri: string, graph: string | undefined): Promise<BulkLoadOutcome | undefined>;
}

export interface BulkLoadOutcome {
  id: string;
  state: string;
  quadsDone: number;
  error?: string;
}

export const DEFAULT_SPARQL_HTTP_OPTIONS: SparqlHttpOptions = {
  maxRequestBytes: 1024 * 1024,
  maxUploadBytes: 64 * 1024 * 1024,
  defaultTimeoutMs: 30_000,
  maxTimeoutMs: 300_000,
  maxConcurrentPerClient: 8,
  defaultGraphMode: 'default-graph',
  maxMaterializedRows: 1_000_000,
  queryBatchSize: 128,
};

/** Nest injection token for the resolved SparqlHttpOptions. */
export const SPARQL_HTTP_OPTIONS = Symbol('SPARQL_HTTP_OPTIONS');
