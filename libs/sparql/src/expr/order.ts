import type { Term } from '../rdf/terms';
import { compareValues } from './compare';
import { compareNumeric, isNumericDatatype, parseNumericLiteral, type NumericValue } from './numeric';

const TERM_RANK: Record<string, number> = { BlankNode: 1, NamedNode: 2, Literal: 3 };

/**
 * A term with what ORDER BY compares read out once. Sorting n solutions compares each key
 * about log n times, and the store's terms (n3) parse their datatype and language out of the
 * term's id on every access: reading them once per row made ORDER BY over 1,600 counted
 * groups about ten times cheaper.
 */
export interface OrderKey {
  term: Term | undefined;
  rank: number;
  value: string;
  literal: boolean;
  /** The datatype IRI, '' for a language-tagged string (simple literals sort before typed ones). */
  datatype: string;
  language: string;
  /** Whether the literal is of a numeric datatype (its value kind for `<`). */
  numericKind: boolean;
  /** Its value, when numericKind and the lexical form is valid. */
  numeric?: NumericValue;
}

export function orderKey(term: Term | undefined): OrderKey {
  if (term === undefined) return { term, rank: -1, value: '', literal: false, datatype: '', language: '', numericKind: false };
  const rank = TERM_RANK[term.termType] ?? 0;
  if (term.termType !== 'Literal') return { term, rank, value: term.value, literal: false, datatype: '', language: '', numericKind: false };
  const language = term.language;
  const datatype = language ? '' : term.datatype.value;
  const numericKind = !language && isNumericDatatype(datatype);
  return { term, rank, value: term.value, literal: true, datatype, language, numericKind, numeric: numericKind ? parseNumericLiteral(term) : undefined };
}

/** orderTerms over prepared keys. */
export function compareOrderKeys(a: OrderKey, b: OrderKey): number {
  if (a.term === undefined || b.term === undefined) return a.term === b.term ? 0 : a.term === undefined ? -1 : 1;
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.literal && b.literal) {
    const c = a.numericKind && b.numericKind ? numericOrder(a, b) : valueOrder(a.term, b.term);
    if (c !== undefined && c !== 0) return c;
    // Simple literals before typed ones, as §15.1 requires.
    if (a.datatype !== b.datatype) return a.datatype < b.datatype ? -1 : 1;
    if (a.value !== b.value) return a.value < b.value ? -1 : 1;
    return a.language < b.language ? -1 : a.language > b.language ? 1 : 0;
  }
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** compareValues of two numeric-datatype literals; undefined when one is ill-typed (or NaN). */
function numericOrder(a: OrderKey, b: OrderKey): number | undefined {
  return a.numeric && b.numeric ? compareNumeric(a.numeric, b.numeric) : undefined;
}

function valueOrder(a: Term, b: Term): number | undefined {
  try {
    return compareValues(a, b);
  } catch {
    // Incomparable values: the caller falls through to the syntactic order.
    return undefined;
  }
}

/**
 * Total order for ORDER BY (§15.1): unbound < blank nodes < IRIs < literals; literals by value
 * where comparable, otherwise by lexical form, datatype and language so the order is stable.
 */
export function orderTerms(a: Term | undefined, b: Term | undefined): number {
  return compareOrderKeys(orderKey(a), orderKey(b));
}
