import { DEFAULT_GRAPH_INDEXES, INDEX_TERM_SIZE, NAMED_GRAPH_INDEXES, type IndexSpec, type Position } from './index-layout';

/** Bound terms of a pattern as 4-byte region-local ids, by position (s, p, o, g); undefined = unbound. */
export type EncodedPattern = [Uint8Array | undefined, Uint8Array | undefined, Uint8Array | undefined, Uint8Array | undefined];

/** Which graphs a pattern reads: the default graph, the named graphs, or both. */
export interface GraphScope {
  defaultGraph: boolean;
  namedGraphs: boolean;
}

/**
 * One range read of a plan: all duplicates of `keyTerm` (or of every key of the region when
 * the first term is unbound) whose value starts with `valuePrefix`; `residual` holds bound
 * positions the range does not cover, checked per entry.
 */
export interface ScanPart {
  spec: IndexSpec;
  keyTerm: Uint8Array | undefined;
  valuePrefix: Uint8Array;
  residual: { valueOffset: number; term: Uint8Array }[];
}

function leadingBound(spec: IndexSpec, pattern: EncodedPattern): number {
  let n = 0;
  while (n < spec.order.length && pattern[spec.order[n]] !== undefined) n++;
  return n;
}

function bestIndex(candidates: readonly IndexSpec[], pattern: EncodedPattern): IndexSpec {
  let best = candidates[0];
  let bestScore = -1;
  for (const spec of candidates) {
    const score = leadingBound(spec, pattern);
    if (score > bestScore) {
      best = spec;
      bestScore = score;
    }
  }
  return best;
}

function partFor(spec: IndexSpec, pattern: EncodedPattern): ScanPart {
  const lead = leadingBound(spec, pattern);
  const prefixTerms: Uint8Array[] = [];
  const residual: ScanPart['residual'] = [];
  spec.order.forEach((pos: Position, k: number) => {
    const term = pattern[pos];
    if (k === 0 || term === undefined) return;
    if (k < lead) prefixTerms.push(term);
    else residual.push({ valueOffset: (k - 1) * INDEX_TERM_SIZE, term });
  });
  const valuePrefix = new Uint8Array(prefixTerms.length * INDEX_TERM_SIZE);
  prefixTerms.forEach((t, i) => valuePrefix.set(t, i * INDEX_TERM_SIZE));
  return { spec, keyTerm: lead > 0 ? pattern[spec.order[0]] : undefined, valuePrefix, residual };
}

/**
 * Chooses, for each graph scope, the index whose order puts the most bound positions first.
 * With the graph unbound, the named part uses SPOG/POSG/OSPG (graph last); with a named graph
 * bound, the G-led indexes win.
 */
export function planScan(pattern: EncodedPattern, scope: GraphScope): ScanPart[] {
  const parts: ScanPart[] = [];
  if (scope.defaultGraph) parts.push(partFor(bestIndex(DEFAULT_GRAPH_INDEXES, pattern), pattern));
  if (scope.namedGraphs) parts.push(partFor(bestIndex(NAMED_GRAPH_INDEXES, pattern), pattern));
  return parts;
}
