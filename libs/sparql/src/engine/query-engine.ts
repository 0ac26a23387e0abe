import type { AlgebraQuery, Dataset } from '../algebra/algebra';
import { translateQuery } from '../algebra/translate-query';
import { QueryAbortedError, QueryLimitError } from '../errors';
import { estimateActiveGraph } from '../eval/active-graph';
import { isEmpty, type BindingStream } from '../eval/batching';
import { EMPTY_BINDING } from '../eval/binding';
import type { EvalContext, EvalLimits, ResolvedDataset, ServiceHandler } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import { newCallContext } from '../expr/call-context';
import { optimise } from '../optimiser/optimise';
import { parseQuery } from '../parser/parse-sparql';
import { factory } from '../rdf/terms';
import type { QuadSource } from '../storage/quad-source';
import { instantiateTemplate } from './construct';
import { describe } from './describe';
import type { QueryResult } from './query-result';

/**
 * What the default graph is when a query has no FROM: 'default-graph' = the store's default
 * graph only (as Oxigraph does); 'union' = the union of all graphs.
 */
export type DefaultGraphMode = 'default-graph' | 'union';

export interface QueryOptions {
  baseIri?: string;
  signal?: AbortSignal;
  /** Maximum number of result rows (SELECT) or triples (CONSTRUCT/DESCRIBE). */
  maxRows?: number;
  limits?: EvalLimits;
  defaultGraphMode?: DefaultGraphMode;
  /** Protocol-level dataset (default-graph-uri / named-graph-uri); overrides FROM clauses. */
  dataset?: Dataset;
  serviceHandler?: ServiceHandler;
  batchSize?: number;
}

/** Parses, translates, optimises and evaluates SPARQL queries over a QuadSource. */
export class QueryEngine {
  constructor(
    private readonly source: QuadSource,
    private readonly defaults: QueryOptions = {},
  ) {}

  /** Parses and translates without running (useful for caching and EXPLAIN-like tooling). */
  prepare(text: string, options: QueryOptions = {}): AlgebraQuery {
    return translateQuery(parseQuery(text, { baseIri: options.baseIri ?? this.defaults.baseIri }));
  }

  async query(query: string | AlgebraQuery, options: QueryOptions = {}): Promise<QueryResult> {
    const opts = { ...this.defaults, ...options };
    const algebra = typeof query === 'string' ? this.prepare(query, opts) : query;
    const ctx = this.context(algebra, opts);
    const op = await optimise(
      algebra.op,
      (s, p, o) => estimateActiveGraph(ctx, s, p, o),
      (s, p, o) => this.source.estimate({ s, p, o }),
    );
    const solutions = evaluate(op, ctx, EMPTY_BINDING);
    switch (algebra.form.type) {
      case 'select':
        return { type: 'bindings', variables: algebra.form.variables, bindings: guard(solutions, opts) };
      case 'ask':
        return { type: 'boolean', value: !(await isEmpty(guard(solutions, opts))) };
      case 'construct':
        return { type: 'quads', quads: guard(instantiateTemplate(algebra.form.template, solutions), opts) };
      case 'describe':
        return { type: 'quads', quads: guard(describe(algebra.form.terms, solutions, ctx), opts) };
    }
  }

  private context(algebra: AlgebraQuery, opts: QueryOptions): EvalContext {
    return {
      source: this.source,
      dataset: resolveDataset(opts.dataset ?? algebra.dataset, opts.defaultGraphMode ?? 'default-graph'),
      activeGraph: 'default',
      // The query's BASE (already resolved against the external base by the parser) wins.
      call: newCallContext(algebra.base ?? opts.baseIri),
      signal: opts.signal,
      limits: opts.limits ?? {},
      batchSize: opts.batchSize ?? 128,
      serviceHandler: opts.serviceHandler,
    };
  }
}

function resolveDataset(dataset: Dataset | undefined, mode: DefaultGraphMode): ResolvedDataset {
  if (dataset && (dataset.defaultGraphs.length > 0 || dataset.namedGraphs.length > 0)) {
    // With FROM NAMED only, the default graph is empty (§13.2).
    return { defaultGraph: dataset.defaultGraphs, namedGraphs: dataset.namedGraphs };
  }
  return { defaultGraph: mode === 'union' ? 'union' : [factory.defaultGraph()], namedGraphs: 'all' };
}

/** Enforces the row limit and turns AbortError from sources into QueryAbortedError. */
async function* guard<T>(stream: AsyncIterable<T[]>, opts: QueryOptions): AsyncIterable<T[]> {
  let rows = 0;
  try {
    for await (const batch of stream) {
      if (opts.signal?.aborted) throw new QueryAbortedError();
      rows += batch.length;
      if (opts.maxRows !== undefined && rows > opts.maxRows) {
        throw new QueryLimitError(`query produced more than ${opts.maxRows} rows`, 'rows');
      }
      yield batch;
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw new QueryAbortedError();
    throw e;
  }
}

export type { BindingStream };
