import { ExpressionError } from '../errors';
import type { Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import { isNumericDatatype, parseNumericLiteral, toNumber } from './numeric';

/** Effective boolean value (§17.2.2); throws ExpressionError where the EBV is an error. */
export function effectiveBooleanValue(term: Term): boolean {
  if (term.termType !== 'Literal') throw new ExpressionError('no effective boolean value for non-literal');
  const dt = term.datatype.value;
  if (dt === xsd.boolean) {
    if (term.value === 'true' || term.value === '1') return true;
    if (term.value === 'false' || term.value === '0') return false;
    return false;
  }
  if (term.language === '' && dt === xsd.string) return term.value.length > 0;
  if (isNumericDatatype(dt)) {
    const n = parseNumericLiteral(term);
    if (n === undefined) return false;
    const v = toNumber(n);
    return !Number.isNaN(v) && v !== 0;
  }
  throw new ExpressionError('no effective boolean value');
}
