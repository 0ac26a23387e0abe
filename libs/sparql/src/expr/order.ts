import type { Term } from '../rdf/terms';
import { compareValues } from './compare';

const TERM_RANK: Record<string, number> = { BlankNode: 1, NamedNode: 2, Literal: 3 };

/**
 * Total order for ORDER BY (§15.1): unbound < blank nodes < IRIs < literals; literals by value
 * where comparable, otherwise by lexical form, datatype and language so the order is stable.
 */
export function orderTerms(a: Term | undefined, b: Term | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const ra = TERM_RANK[a.termType] ?? 0;
  const rb = TERM_RANK[b.termType] ?? 0;
  if (ra !== rb) return ra - rb;
  if (a.termType === 'Literal' && b.termType === 'Literal') {
    try {
      const c = compareValues(a, b);
      if (c !== undefined && c !== 0) return c;
    } catch {
      // Incomparable values: fall through to the syntactic order.
    }
    const ad = a.language ? '' : a.datatype.value;
    const bd = b.language ? '' : b.datatype.value;
    // Simple literals before typed ones, as §15.1 requires.
    if (ad !== bd) return ad < bd ? -1 : 1;
    if (a.value !== b.value) return a.value < b.value ? -1 : 1;
    return a.language < b.language ? -1 : a.language > b.language ? 1 : 0;
  }
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
