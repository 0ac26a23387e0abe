import type * as RDF from '@rdfjs/types';
import type { Op } from '../algebra/algebra';
import { QueryAbortedError, QueryLimitError } from '../errors';
import type { CallContext } from '../expr/call-context';
import type { NamedNode } from '../rdf/terms';
import type { QuadSource } from '../storage/quad-source';
import type { Binding } from './binding';

/**
 * Graphs making up the query's default graph: the listed graphs (RDF merge), or `'union'`
 * for the union of all graphs in the store.
 */
export type DefaultGraphSpec = Array<NamedNode | RDF.DefaultGraph> | 'union';

export interface ResolvedDataset {
  defaultGraph: DefaultGraphSpec;
  /** Graphs GRAPH ?g ranges over; 'all' = every named graph of the source. */
  namedGraphs: NamedNode[] | 'all';
}

/** One SERVICE clause to evaluate remotely, joined with the solution it is evaluated for. */
export interface ServiceRequest {
  endpoint: NamedNode;
  /** `SELECT * WHERE { pattern }` as written in the query. */
  queryText: string;
  pattern: Op;
  seed: Binding;
  signal?: AbortSignal;
}

/** Evaluates SERVICE clauses; without one, SERVICE fails (or yields one empty solution if SILENT). */
export type ServiceHandler = (request: ServiceRequest) => AsyncIterable<Binding[]>;

export interface EvalLimits {
  /** Max solutions an operator may hold in memory (ORDER BY, GROUP BY, hash tables). */
  maxMaterializedRows?: number;
}

export interface EvalContext {
  readonly source: QuadSource;
  readonly dataset: ResolvedDataset;
  /** 'default' = the dataset's default graph; otherwise the named graph GRAPH selected. */
  readonly activeGraph: 'default' | NamedNode;
  readonly call: CallContext;
  readonly signal?: AbortSignal;
  readonly limits: EvalLimits;
  readonly batchSize: number;
  readonly serviceHandler?: ServiceHandler;
}

export function checkAborted(ctx: EvalContext): void {
  if (ctx.signal?.aborted) throw new QueryAbortedError();
}

/** Guards operators that buffer solutions. */
export function checkMaterialized(ctx: EvalContext, rows: number): void {
  const max = ctx.limits.maxMaterializedRows;
  if (max !== undefined && rows > max) {
    throw new QueryLimitError(`query needs more than ${max} buffered solutions`, 'memory');
  }
}
