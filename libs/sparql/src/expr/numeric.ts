import { ExpressionError } from '../errors';
import { typedLiteral, type Literal, type Term } from '../rdf/terms';
import { INTEGER_DERIVED, xsd } from '../rdf/vocab';
import { decimalDivide, decimalFromInteger, decimalFromNumber, decimalMultiply, decimalToNumber, formatDecimal, parseDecimal } from './decimal';

/** A numeric value tagged with its promotion rank (integer < decimal < float < double). */
export type NumericValue =
  { type: 'integer'; value: bigint } | { type: 'decimal'; value: bigint } | { type: 'float'; value: number } | { type: 'double'; value: number };

type NumericType = NumericValue['type'];
const RANK: Record<NumericType, number> = { integer: 0, decimal: 1, float: 2, double: 3 };

const INTEGER_LEXICAL = /^[+-]?\d+$/;
const FLOAT_LEXICAL = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN)$/;

export function isNumericDatatype(datatype: string): boolean {
  return INTEGER_DERIVED.has(datatype) || datatype === xsd.decimal || datatype === xsd.float || datatype === xsd.double;
}

export function isNumericTerm(term: Term): term is Literal {
  return term.termType === 'Literal' && isNumericDatatype(term.datatype.value) && parseNumericLiteral(term) !== undefined;
}

export function parseFloatLexical(lexical: string): number | undefined {
  const t = lexical.trim();
  if (!FLOAT_LEXICAL.test(t)) return undefined;
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  return Number(t);
}

/** The numeric value of a literal, or undefined if it is not a (valid) numeric literal. */
export function parseNumericLiteral(term: Term): NumericValue | undefined {
  if (term.termType !== 'Literal') return undefined;
  const dt = term.datatype.value;
  const lex = term.value;
  if (INTEGER_DERIVED.has(dt)) {
    if (!INTEGER_LEXICAL.test(lex.trim())) return undefined;
    return { type: 'integer', value: BigInt(lex.trim()) };
  }
  if (dt === xsd.decimal) {
    const value = parseDecimal(lex);
    return value === undefined ? undefined : { type: 'decimal', value };
  }
  if (dt === xsd.float || dt === xsd.double) {
    const value = parseFloatLexical(lex);
    if (value === undefined) return undefined;
    return dt === xsd.float ? { type: 'float', value: Math.fround(value) } : { type: 'double', value };
  }
  return undefined;
}

export function numericOf(term: Term): NumericValue {
  const n = parseNumericLiteral(term);
  if (n === undefined) throw new ExpressionError('not a numeric value');
  return n;
}

export function toNumber(n: NumericValue): number {
  switch (n.type) {
    case 'integer':
      return Number(n.value);
    case 'decimal':
      return decimalToNumber(n.value);
    default:
      return n.value;
  }
}

/** Promotes a value to the given (higher or equal) type. */
export function promote(n: NumericValue, to: NumericType): NumericValue {
  if (n.type === to) return n;
  switch (to) {
    case 'decimal':
      if (n.type === 'integer') return { type: 'decimal', value: decimalFromInteger(n.value) };
      break;
    case 'float':
      return { type: 'float', value: Math.fround(toNumber(n)) };
    case 'double':
      return { type: 'double', value: toNumber(n) };
  }
  throw new ExpressionError(`cannot promote ${n.type} to ${to}`);
}

function commonType(a: NumericValue, b: NumericValue): NumericType {
  return RANK[a.type] >= RANK[b.type] ? a.type : b.type;
}

export type ArithmeticOp = '+' | '-' | '*' | '/';

/** op:numeric-add etc. with XPath type promotion; integer division yields a decimal. */
export function arithmetic(op: ArithmeticOp, a: NumericValue, b: NumericValue): NumericValue {
  let type = commonType(a, b);
  if (op === '/' && type === 'integer') type = 'decimal';
  const x = promote(a, type);
  const y = promote(b, type);
  if (x.type === 'integer' && y.type === 'integer') {
    if (op === '+') return { type, value: x.value + y.value } as NumericValue;
    if (op === '-') return { type, value: x.value - y.value } as NumericValue;
    return { type: 'integer', value: x.value * y.value };
  }
  if (x.type === 'decimal' && y.type === 'decimal') {
    switch (op) {
      case '+':
        return { type: 'decimal', value: x.value + y.value };
      case '-':
        return { type: 'decimal', value: x.value - y.value };
      case '*':
        return { type: 'decimal', value: decimalMultiply(x.value, y.value) };
      case '/':
        if (y.value === 0n) throw new ExpressionError('division by zero');
        return { type: 'decimal', value: decimalDivide(x.value, y.value) };
    }
  }
  const u = toNumber(x);
  const v = toNumber(y);
  const r = op === '+' ? u + v : op === '-' ? u - v : op === '*' ? u * v : u / v;
  return type === 'float' ? { type: 'float', value: Math.fround(r) } : { type: 'double', value: r };
}

export function negate(n: NumericValue): NumericValue {
  switch (n.type) {
    case 'integer':
    case 'decimal':
      return { type: n.type, value: -n.value } as NumericValue;
    default:
      return { type: n.type, value: -n.value };
  }
}

/** Compares two numerics; NaN compares as undefined (every comparison false). */
export function compareNumeric(a: NumericValue, b: NumericValue): number | undefined {
  const type = commonType(a, b);
  const x = promote(a, type);
  const y = promote(b, type);
  if ((x.type === 'integer' || x.type === 'decimal') && (y.type === 'integer' || y.type === 'decimal')) {
    return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  }
  const u = toNumber(x);
  const v = toNumber(y);
  if (Number.isNaN(u) || Number.isNaN(v)) return undefined;
  return u < v ? -1 : u > v ? 1 : 0;
}

/** Canonical lexical form for xsd:double / xsd:float (e.g. 1.5E2, INF, NaN). */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'INF';
  if (value === -Infinity) return '-INF';
  if (value === 0) return Object.is(value, -0) ? '-0.0E0' : '0.0E0';
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exponent)}`;
}

/** Like formatDouble but with the shortest digits that survive float32 rounding. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatDouble(value);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return formatDouble(candidate);
  }
  return formatDouble(value);
}

export function numericToLiteral(n: NumericValue): Literal {
  switch (n.type) {
    case 'integer':
      return typedLiteral(n.value.toString(), xsd.integer);
    case 'decimal':
      return typedLiteral(formatDecimal(n.value), xsd.decimal);
    case 'float':
      return typedLiteral(formatFloat(n.value), xsd.float);
    case 'double':
      return typedLiteral(formatDouble(n.value), xsd.double);
  }
}

export function decimalValueOf(value: number): bigint {
  const d = decimalFromNumber(value);
  if (d === undefined) throw new ExpressionError('not representable as decimal');
  return d;
}
