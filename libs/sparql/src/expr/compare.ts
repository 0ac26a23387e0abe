import { ExpressionError } from '../errors';
import type { Literal, Term } from '../rdf/terms';
import { rdf, xsd } from '../rdf/vocab';
import { compareDateTime, isDateTimeLiteral, parseDateTime } from './datetime';
import { compareNumeric, isNumericDatatype, parseNumericLiteral } from './numeric';

/** Value category of a literal, for deciding which comparison applies. */
type Kind = 'numeric' | 'string' | 'boolean' | 'dateTime' | 'date' | 'langString' | 'other';

function kindOf(t: Literal): Kind {
  const dt = t.datatype.value;
  if (t.language !== '' || dt === rdf.langString) return 'langString';
  if (dt === xsd.string) return 'string';
  if (isNumericDatatype(dt)) return 'numeric';
  if (dt === xsd.boolean) return 'boolean';
  if (dt === xsd.dateTime) return 'dateTime';
  if (dt === xsd.date) return 'date';
  return 'other';
}

function booleanValue(t: Literal): boolean | undefined {
  if (t.value === 'true' || t.value === '1') return true;
  if (t.value === 'false' || t.value === '0') return false;
  return undefined;
}

function sameTerm(a: Term, b: Term): boolean {
  return a.equals(b);
}

/**
 * Value comparison for the `<`, `<=`, `>`, `>=` operators. Returns undefined when the values
 * are of the same kind but unordered (NaN); throws a type error for incomparable kinds.
 */
export function compareValues(a: Term, b: Term): number | undefined {
  if (a.termType !== 'Literal' || b.termType !== 'Literal') throw new ExpressionError('cannot compare non-literals');
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) throw new ExpressionError('incomparable types');
  switch (ka) {
    case 'numeric': {
      const x = parseNumericLiteral(a);
      const y = parseNumericLiteral(b);
      if (!x || !y) throw new ExpressionError('invalid numeric literal');
      return compareNumeric(x, y);
    }
    case 'string':
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    case 'boolean': {
      const x = booleanValue(a);
      const y = booleanValue(b);
      if (x === undefined || y === undefined) throw new ExpressionError('invalid boolean');
      return Number(x) - Number(y);
    }
    case 'dateTime':
    case 'date': {
      const x = parseDateTime(a);
      const y = parseDateTime(b);
      if (!x || !y) throw new ExpressionError('invalid dateTime');
      const c = compareDateTime(x, y);
      if (c === undefined) throw new ExpressionError('indeterminate dateTime order');
      return c;
    }
    case 'langString':
      if (a.language.toLowerCase() !== b.language.toLowerCase()) throw new ExpressionError('different languages');
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    default:
      if (a.datatype.value === b.datatype.value && a.value === b.value) return 0;
      throw new ExpressionError('unordered datatype');
  }
}

/**
 * `=` (§17.4.1.7 / RDFterm-equal): value equality for known datatypes, false for known but
 * different kinds, type error for unknown datatypes or ill-typed literals that differ.
 */
export function valuesEqual(a: Term, b: Term): boolean {
  if (a.termType !== 'Literal' || b.termType !== 'Literal') return sameTerm(a, b);
  if (sameTerm(a, b)) return true;
  const ka = kindOf(a);
  const kb = kindOf(b);
  // A language-tagged string is never equal to anything but a language-tagged string.
  if (ka === 'langString' || kb === 'langString') {
    return ka === kb && a.value === b.value && a.language.toLowerCase() === b.language.toLowerCase();
  }
  if (ka === 'other' || kb === 'other') throw new ExpressionError('cannot compare unknown datatypes');
  if (isIllTyped(a) || isIllTyped(b)) throw new ExpressionError('ill-typed literal');
  if (ka !== kb) return false;
  return compareValues(a, b) === 0;
}

function isIllTyped(t: Literal): boolean {
  const k = kindOf(t);
  if (k === 'numeric') return parseNumericLiteral(t) === undefined;
  if (k === 'boolean') return booleanValue(t) === undefined;
  if (k === 'dateTime' || k === 'date') return parseDateTime(t) === undefined;
  return false;
}

export { isDateTimeLiteral };
