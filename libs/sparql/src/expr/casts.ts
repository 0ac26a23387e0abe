import { ExpressionError } from '../errors';
import { booleanLiteral, stringLiteral, typedLiteral, type Literal, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import { parseDateTime } from './datetime';
import { decimalFromInteger, decimalTrunc, formatDecimal, parseDecimal } from './decimal';
import { decimalValueOf, formatDouble, formatFloat, isNumericDatatype, numericToLiteral, parseFloatLexical, parseNumericLiteral, toNumber } from './numeric';

const CAST_TARGETS = new Set<string>([xsd.string, xsd.boolean, xsd.integer, xsd.decimal, xsd.float, xsd.double, xsd.dateTime]);

export function isCastFunction(iri: string): boolean {
  return CAST_TARGETS.has(iri);
}

function source(t: Term): Literal {
  if (t.termType !== 'Literal') throw new ExpressionError('cannot cast a non-literal');
  if (t.language !== '') throw new ExpressionError('cannot cast a language-tagged literal');
  return t;
}

function isStringLike(t: Literal): boolean {
  return t.datatype.value === xsd.string;
}

/** A numeric or boolean source value as a JS number, for casts to float/double. */
function numberOf(t: Literal): number {
  if (t.datatype.value === xsd.boolean) return booleanOf(t) ? 1 : 0;
  const n = parseNumericLiteral(t);
  if (n === undefined) throw new ExpressionError('invalid source literal');
  return toNumber(n);
}

function booleanOf(t: Literal): boolean {
  const v = t.value.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ExpressionError('invalid boolean');
}

function toBoolean(t: Literal): Term {
  if (isStringLike(t) || t.datatype.value === xsd.boolean) return booleanLiteral(booleanOf(t));
  if (!isNumericDatatype(t.datatype.value)) throw new ExpressionError('cannot cast to boolean');
  const n = numberOf(t);
  return booleanLiteral(!(n === 0 || Number.isNaN(n)));
}

function toInteger(t: Literal): Term {
  if (isStringLike(t)) {
    if (!/^\s*[+-]?\d+\s*$/.test(t.value)) throw new ExpressionError('invalid integer');
    return typedLiteral(BigInt(t.value.trim()).toString(), xsd.integer);
  }
  if (t.datatype.value === xsd.boolean) return typedLiteral(booleanOf(t) ? '1' : '0', xsd.integer);
  const n = parseNumericLiteral(t);
  if (n === undefined) throw new ExpressionError('cannot cast to integer');
  if (n.type === 'integer') return typedLiteral(n.value.toString(), xsd.integer);
  if (n.type === 'decimal') return typedLiteral(decimalTrunc(n.value).toString(), xsd.integer);
  if (!Number.isFinite(n.value)) throw new ExpressionError('cannot cast NaN/INF to integer');
  return typedLiteral(BigInt(Math.trunc(n.value)).toString(), xsd.integer);
}

function toDecimal(t: Literal): Term {
  if (isStringLike(t)) {
    if (/[eE]/.test(t.value)) throw new ExpressionError('invalid decimal');
    const d = parseDecimal(t.value);
    if (d === undefined) throw new ExpressionError('invalid decimal');
    return typedLiteral(formatDecimal(d), xsd.decimal);
  }
  if (t.datatype.value === xsd.boolean) return typedLiteral(booleanOf(t) ? '1.0' : '0.0', xsd.decimal);
  const n = parseNumericLiteral(t);
  if (n === undefined) throw new ExpressionError('cannot cast to decimal');
  if (n.type === 'integer') return numericToLiteral({ type: 'decimal', value: decimalFromInteger(n.value) });
  if (n.type === 'decimal') return numericToLiteral(n);
  return numericToLiteral({ type: 'decimal', value: decimalValueOf(n.value) });
}

function toFloating(t: Literal, datatype: string): Term {
  let value: number;
  if (isStringLike(t)) {
    const parsed = parseFloatLexical(t.value);
    if (parsed === undefined) throw new ExpressionError('invalid floating point literal');
    value = parsed;
  } else if (t.datatype.value === xsd.boolean || isNumericDatatype(t.datatype.value)) value = numberOf(t);
  else throw new ExpressionError('cannot cast to floating point');
  if (datatype === xsd.float) return typedLiteral(formatFloat(Math.fround(value)), datatype);
  return typedLiteral(formatDouble(value), datatype);
}

function toDateTime(t: Literal): Term {
  if (!isStringLike(t) && t.datatype.value !== xsd.dateTime) throw new ExpressionError('cannot cast to dateTime');
  const candidate = typedLiteral(t.value.trim(), xsd.dateTime);
  if (!parseDateTime(candidate)) throw new ExpressionError('invalid dateTime');
  return candidate;
}

/** XPath canonical string of a numeric value: no exponent in [1e-6, 1e6), integers without ".0". */
function canonicalNumberString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'INF' : '-INF';
  const abs = Math.abs(value);
  if (abs === 0 || (abs >= 1e-6 && abs < 1e6)) return String(value);
  return formatDouble(value);
}

function toString(t: Term): Term {
  if (t.termType === 'NamedNode') return stringLiteral(t.value);
  const s = source(t);
  const dt = s.datatype.value;
  if (dt === xsd.boolean) {
    const v = s.value.trim();
    if (v === '1' || v === 'true') return stringLiteral('true');
    if (v === '0' || v === 'false') return stringLiteral('false');
  }
  const n = parseNumericLiteral(s);
  if (n?.type === 'integer') return stringLiteral(n.value.toString());
  if (n?.type === 'decimal') return stringLiteral(formatDecimal(n.value).replace(/\.0$/, ''));
  if (n) return stringLiteral(canonicalNumberString(n.value));
  return stringLiteral(s.value);
}

/** XSD constructor functions (§17.5). */
export function cast(iri: string, arg: Term | undefined): Term {
  if (arg === undefined) throw new ExpressionError('cast needs one argument');
  if (iri === xsd.string) return toString(arg);
  const s = source(arg);
  switch (iri) {
    case xsd.boolean:
      return toBoolean(s);
    case xsd.integer:
      return toInteger(s);
    case xsd.decimal:
      return toDecimal(s);
    case xsd.float:
    case xsd.double:
      return toFloating(s, iri);
    case xsd.dateTime:
      return toDateTime(s);
    default:
      throw new ExpressionError(`unsupported cast to ${iri}`);
  }
}
