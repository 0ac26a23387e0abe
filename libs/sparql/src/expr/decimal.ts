/**
 * xsd:decimal as a fixed-point bigint with 18 fractional digits (as Oxigraph does): exact for
 * addition, subtraction and multiplication of realistic values; division truncates.
 */
export const DECIMAL_SCALE = 18;
const FACTOR = 10n ** BigInt(DECIMAL_SCALE);

const DECIMAL_LEXICAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Parses a decimal or integer lexical form; undefined when invalid. */
export function parseDecimal(lexical: string): bigint | undefined {
  const m = DECIMAL_LEXICAL.exec(lexical.trim());
  if (!m) return undefined;
  const [, sign, whole = '', frac = ''] = m;
  if (whole === '' && frac === '') return undefined;
  const fracDigits = frac.slice(0, DECIMAL_SCALE).padEnd(DECIMAL_SCALE, '0');
  const value = BigInt(whole || '0') * FACTOR + BigInt(fracDigits);
  return sign === '-' ? -value : value;
}

export function decimalFromInteger(value: bigint): bigint {
  return value * FACTOR;
}

export function decimalFromNumber(value: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  // toFixed keeps 18 digits without going through exponent notation for normal magnitudes.
  const text = Math.abs(value) >= 1e21 ? BigInt(Math.trunc(value)).toString() : value.toFixed(DECIMAL_SCALE);
  return parseDecimal(text);
}

export function decimalToNumber(value: bigint): number {
  return Number(value) / Number(FACTOR);
}

export function decimalMultiply(a: bigint, b: bigint): bigint {
  return (a * b) / FACTOR;
}

export function decimalDivide(a: bigint, b: bigint): bigint {
  return (a * FACTOR) / b;
}

/** Truncates towards zero to an integer count of units. */
export function decimalTrunc(value: bigint): bigint {
  return value / FACTOR;
}

export function decimalFloor(value: bigint): bigint {
  const q = value / FACTOR;
  return value < 0n && q * FACTOR !== value ? q - 1n : q;
}

export function decimalCeil(value: bigint): bigint {
  const q = value / FACTOR;
  return value > 0n && q * FACTOR !== value ? q + 1n : q;
}

/** fn:round: halves round towards positive infinity. */
export function decimalRound(value: bigint): bigint {
  return decimalFloor(value + FACTOR / 2n);
}

/** Canonical lexical form: at least one fractional digit, no trailing zeros beyond it. */
export function formatDecimal(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / FACTOR;
  let frac = (abs % FACTOR).toString().padStart(DECIMAL_SCALE, '0').replace(/0+$/, '');
  if (frac === '') frac = '0';
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

export const DECIMAL_ONE = FACTOR;
