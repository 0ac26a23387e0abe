import { ExpressionError } from '../errors';
import { literal, stringLiteral, typedLiteral, type Literal, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';

/** A string literal argument: simple, xsd:string or language-tagged. */
export function stringArg(t: Term | undefined): Literal {
  if (t === undefined || t.termType !== 'Literal') throw new ExpressionError('string literal expected');
  if (t.language === '' && t.datatype.value !== xsd.string) throw new ExpressionError('string literal expected');
  return t;
}

/** A simple literal or xsd:string argument (no language tag). */
export function simpleStringArg(t: Term | undefined): Literal {
  const s = stringArg(t);
  if (s.language !== '') throw new ExpressionError('simple literal expected');
  return s;
}

/** §17.4.3.1.1 argument compatibility for STRSTARTS, CONTAINS, STRBEFORE... */
export function checkCompatible(a: Literal, b: Literal): void {
  if (b.language === '') return;
  if (a.language.toLowerCase() === b.language.toLowerCase()) return;
  throw new ExpressionError('incompatible string arguments');
}

/** A literal with the same language tag / string datatype as `like`. */
export function sameKindAs(like: Literal, value: string): Literal {
  if (like.language !== '') return literal(value, like.language);
  return like.datatype.value === xsd.string ? stringLiteral(value) : typedLiteral(value, xsd.string);
}

/** Length in Unicode code points (not UTF-16 units), as XPath counts characters. */
export function codePoints(s: string): string[] {
  return Array.from(s);
}
