import type { TriplePattern } from '../algebra/algebra';
import type { Term } from '../rdf/terms';

/** Cardinality estimator for a pattern with variables left open. */
export type PatternEstimator = (s?: Term, p?: Term, o?: Term) => Promise<number>;

function variablesOf(t: TriplePattern): string[] {
  return [t.s, t.p, t.o].filter((x) => x.termType === 'Variable').map((x) => x.value);
}

function constant(t: TriplePattern['s']): Term | undefined {
  return t.termType === 'Variable' ? undefined : t;
}

/**
 * Greedy join ordering: start with the most selective pattern, then repeatedly take the
 * cheapest pattern that shares a variable with those chosen (avoiding cartesian products).
 * A variable already bound by an earlier pattern divides the estimate, as a bound position
 * is assumed to be selective.
 */
export async function orderBgp(patterns: TriplePattern[], estimate: PatternEstimator, initiallyBound: Iterable<string> = []): Promise<TriplePattern[]> {
  if (patterns.length <= 1) return patterns;
  const base = await Promise.all(patterns.map((t) => estimate(constant(t.s), constant(t.p), constant(t.o))));
  const remaining = patterns.map((pattern, i) => ({ pattern, cost: base[i] ?? 0, vars: variablesOf(pattern) }));
  // Variables the caller's solutions already bind (a bind join's seeds) count as bound.
  const bound = new Set<string>(initiallyBound);
  const ordered: TriplePattern[] = [];
  while (remaining.length > 0) {
    let bestIndex = 0;
    let bestScore = Infinity;
    remaining.forEach((r, i) => {
      const boundCount = r.vars.filter((v) => bound.has(v)).length;
      const connected = bound.size === 0 || boundCount > 0 || r.vars.length === 0;
      const score = (connected ? 0 : 1e12) + r.cost / Math.pow(100, boundCount);
      if (score < bestScore) {
        bestScore = score;
        bestIndex = i;
      }
    });
    const [best] = remaining.splice(bestIndex, 1);
    if (!best) break;
    ordered.push(best.pattern);
    best.vars.forEach((v) => bound.add(v));
  }
  return ordered;
}
