import type * as S from 'sparqljs';
import type { Dataset } from '../algebra/algebra';
import { translateQuery } from '../algebra/translate-query';
import { QueryAbortedError } from '../errors';
import { estimateActiveGraph } from '../eval/active-graph';
import { EMPTY_BINDING, type Binding } from '../eval/binding';
import type { EvalContext, EvalLimits, ResolvedDataset, ServiceHandler } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import { newCallContext } from '../expr/call-context';
import { optimise } from '../optimiser/optimise';
import { factory, type NamedNode } from '../rdf/terms';
import type { QuadSource } from '../storage/quad-source';

export interface WhereOptions {
  baseIri?: string;
  signal?: AbortSignal;
  limits?: EvalLimits;
  /** Applies when the operation has no USING/WITH and the protocol gave no dataset. */
  defaultGraphMode?: 'default-graph' | 'union';
  /** Evaluates SERVICE clauses in WHERE; without one they fail (unless SILENT). */
  serviceHandler?: ServiceHandler;
}

/** The dataset a DELETE/INSERT WHERE clause runs against (§3.1.3). */
export type WhereDataset =
  | { kind: 'store' }
  /** USING / USING NAMED (or the protocol's using-graph-uri): exactly those graphs. */
  | { kind: 'using'; dataset: Dataset }
  /** WITH without USING: the WITH graph is the default graph, named graphs are the store's. */
  | { kind: 'with'; graph: NamedNode };

const WILDCARD = { termType: 'Wildcard', value: '*' } as unknown as S.Wildcard;

/**
 * Evaluates a WHERE pattern to completion. Updates must see every solution before any
 * change is applied (the snapshot semantics of §3.1.3), so the result is an array.
 */
export async function whereSolutions(where: S.Pattern[], source: QuadSource, dataset: WhereDataset, opts: WhereOptions): Promise<Binding[]> {
  const select: S.SelectQuery = { type: 'query', queryType: 'SELECT', variables: [WILDCARD], where, prefixes: {} };
  const algebra = translateQuery(select);
  const ctx: EvalContext = {
    source,
    dataset: resolve(dataset, opts),
    activeGraph: 'default',
    call: newCallContext(opts.baseIri),
    signal: opts.signal,
    limits: opts.limits ?? {},
    batchSize: 256,
    serviceHandler: opts.serviceHandler,
  };
  const op = await optimise(
    algebra.op,
    (s, p, o) => estimateActiveGraph(ctx, s, p, o),
    (s, p, o) => source.estimate({ s, p, o }),
  );
  const out: Binding[] = [];
  try {
    for await (const batch of evaluate(op, ctx, EMPTY_BINDING)) {
      if (opts.signal?.aborted) throw new QueryAbortedError('update aborted');
      out.push(...batch);
    }
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw new QueryAbortedError('update aborted');
    throw e;
  }
  return out;
}

function resolve(dataset: WhereDataset, opts: WhereOptions): ResolvedDataset {
  switch (dataset.kind) {
    case 'using':
      return { defaultGraph: dataset.dataset.defaultGraphs, namedGraphs: dataset.dataset.namedGraphs };
    case 'with':
      return { defaultGraph: [dataset.graph], namedGraphs: 'all' };
    case 'store':
      return { defaultGraph: opts.defaultGraphMode === 'union' ? 'union' : [factory.defaultGraph()], namedGraphs: 'all' };
  }
}
