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
