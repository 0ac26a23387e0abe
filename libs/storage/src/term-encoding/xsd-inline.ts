/**
 * Inline encodings of XSD values into the 16-byte payload. A value is inlined only when the
 * decoder reproduces its lexical form exactly (RDF terms "01"^^xsd:integer and "1"^^xsd:integer
 * are different terms); anything else falls back to the hashed typed-literal encoding.
 * Numbers are stored so that unsigned byte order equals numeric order.
 */
import { TermKind } from './term-kind';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const XSD_BOOLEAN = `${XSD}boolean`;
export const XSD_INTEGER = `${XSD}integer`;
export const XSD_DECIMAL = `${XSD}decimal`;
export const XSD_FLOAT = `${XSD}float`;
export const XSD_DOUBLE = `${XSD}double`;
export const XSD_DATE_TIME = `${XSD}dateTime`;
export const XSD_DATE = `${XSD}date`;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const I128_BIAS = 1n << 127n;
const DECIMAL_SCALE_DIGITS = 18;
const DECIMAL_SCALE = 10n ** BigInt(DECIMAL_SCALE_DIGITS);

/** Writes the inline payload (16 bytes at `out[offset..]`) and returns the kind, or undefined. */
export function encodeXsdInline(datatype: string, lexical: string, out: Uint8Array, offset: number): TermKind | undefined {
  switch (datatype) {
    case XSD_BOOLEAN:
      if (lexical !== 'true' && lexical !== 'false') return undefined;
      out[offset] = lexical === 'true' ? 1 : 0;
      return TermKind.Boolean;
    case XSD_INTEGER:
      return encodeInteger(lexical, out, offset) ? TermKind.Integer : undefined;
    case XSD_DECIMAL:
      return encodeDecimal(lexical, out, offset) ? TermKind.Decimal : undefined;
    case XSD_DOUBLE:
      return encodeFloating(lexical, false, out, offset) ? TermKind.Double : undefined;
    case XSD_FLOAT:
      return encodeFloating(lexical, true, out, offset) ? TermKind.Float : undefined;
    case XSD_DATE_TIME:
      return encodeDateTime(lexical, out, offset) ? TermKind.DateTime : undefined;
    case XSD_DATE:
      return encodeDate(lexical, out, offset) ? TermKind.Date : undefined;
    default:
      return undefined;
  }
}

/** Inverse of encodeXsdInline: returns [datatype IRI, lexical form]. */
export function decodeXsdInline(kind: number, bytes: Uint8Array, offset: number): [string, string] | undefined {
  switch (kind) {
    case TermKind.Boolean:
      return [XSD_BOOLEAN, bytes[offset] === 1 ? 'true' : 'false'];
    case TermKind.Integer:
      return [XSD_INTEGER, (readU64(bytes, offset) - (1n << 63n)).toString()];
    case TermKind.Decimal:
      return [XSD_DECIMAL, formatDecimal(readU128(bytes, offset) - I128_BIAS)];
    case TermKind.Double:
      return [XSD_DOUBLE, formatFloating(readSortableDouble(bytes, offset))];
    case TermKind.Float:
      return [XSD_FLOAT, formatFloating(readSortableDouble(bytes, offset))];
    case TermKind.DateTime:
      return [XSD_DATE_TIME, decodeDateTime(bytes, offset)];
    case TermKind.Date:
      return [XSD_DATE, decodeDate(bytes, offset)];
    default:
      return undefined;
  }
}

function writeU64(out: Uint8Array, offset: number, v: bigint): void {
  for (let i = 7; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

function readU64(bytes: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(bytes[offset + i]);
  return v;
}

function readU128(bytes: Uint8Array, offset: number): bigint {
  return (readU64(bytes, offset) << 64n) | readU64(bytes, offset + 8);
}

function encodeInteger(lexical: string, out: Uint8Array, offset: number): boolean {
  if (!/^-?\d{1,19}$/.test(lexical)) return false;
  const v = BigInt(lexical);
  if (v < INT64_MIN || v > INT64_MAX || v.toString() !== lexical) return false;
  writeU64(out, offset, v + (1n << 63n));
  return true;
}

/** Canonical decimal form: no leading zeros, at least one digit each side, no trailing zeros. */
function formatDecimal(scaled: bigint): string {
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const intPart = (abs / DECIMAL_SCALE).toString();
  const frac = (abs % DECIMAL_SCALE).toString().padStart(DECIMAL_SCALE_DIGITS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}.${frac === '' ? '0' : frac}`;
}

function encodeDecimal(lexical: string, out: Uint8Array, offset: number): boolean {
  const m = /^(-?)(\d+)\.(\d{1,18})$/.exec(lexical);
  if (!m) return false;
  const scaled = BigInt(m[2]) * DECIMAL_SCALE + BigInt(m[3].padEnd(DECIMAL_SCALE_DIGITS, '0'));
  const value = m[1] === '-' ? -scaled : scaled;
  if (value >= I128_BIAS || value < -I128_BIAS || formatDecimal(value) !== lexical) return false;
  const biased = value + I128_BIAS;
  writeU64(out, offset, biased >> 64n);
  writeU64(out, offset + 8, biased & 0xffffffffffffffffn);
  return true;
}

function formatFloating(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'INF';
  if (v === -Infinity) return '-INF';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function parseFloating(lexical: string): number | undefined {
  if (lexical === 'INF' || lexical === '+INF') return Infinity;
  if (lexical === '-INF') return -Infinity;
  if (lexical === 'NaN') return NaN;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(lexical)) return undefined;
  return Number(lexical);
}

function encodeFloating(lexical: string, single: boolean, out: Uint8Array, offset: number): boolean {
  const v = parseFloating(lexical);
  if (v === undefined || (single && Math.fround(v) !== v && !Number.isNaN(v))) return false;
  if (formatFloating(v) !== lexical) return false;
  f64[0] = v;
  // IEEE 754 sortable: flip all bits of negatives, only the sign bit of positives.
  const negative = (f64Bytes[LITTLE_ENDIAN ? 7 : 0] & 0x80) !== 0;
  for (let i = 0; i < 8; i++) {
    const b = f64Bytes[LITTLE_ENDIAN ? 7 - i : i];
    out[offset + i] = negative ? ~b & 0xff : i === 0 ? b ^ 0x80 : b;
  }
  return true;
}

function readSortableDouble(bytes: Uint8Array, offset: number): number {
  const negative = (bytes[offset] & 0x80) === 0;
  for (let i = 0; i < 8; i++) {
    const b = bytes[offset + i];
    f64Bytes[LITTLE_ENDIAN ? 7 - i : i] = negative ? ~b & 0xff : i === 0 ? b ^ 0x80 : b;
  }
  return f64[0];
}

// Time zones: 0 = none, 1 = 'Z', otherwise offset minutes + 0x8000.
const TZ_NONE = 0;
const TZ_Z = 1;
const DATE_TIME = /^(-?\d{4,9})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(-?\d{4,9})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function encodeTz(tz: string | undefined): number {
  if (tz === undefined) return TZ_NONE;
  if (tz === 'Z') return TZ_Z;
  const minutes = Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6));
  return (tz[0] === '-' ? -minutes : minutes) + 0x8000;
}

function formatTz(code: number): string {
  if (code === TZ_NONE) return '';
  if (code === TZ_Z) return 'Z';
  const minutes = code - 0x8000;
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function formatYear(year: number): string {
  return year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
}

function writeYear(out: Uint8Array, offset: number, year: number): void {
  const biased = (year + 0x80000000) >>> 0;
  out[offset] = biased >>> 24;
  out[offset + 1] = (biased >>> 16) & 0xff;
  out[offset + 2] = (biased >>> 8) & 0xff;
  out[offset + 3] = biased & 0xff;
}

function readYear(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) - 0x80000000 + (bytes[offset] >= 0x80 ? 0x100000000 : 0)
  );
}

// Layout: year(4) month day hour minute second(5) nanos(4) fraction digits(1) tz(2) = 16 bytes.
function encodeDateTime(lexical: string, out: Uint8Array, offset: number): boolean {
  const m = DATE_TIME.exec(lexical);
  if (!m) return false;
  const year = Number(m[1]);
  const fraction = m[7] ?? '';
  writeYear(out, offset, year);
  for (let i = 0; i < 5; i++) out[offset + 4 + i] = Number(m[2 + i]);
  const nanos = Number(fraction.padEnd(9, '0'));
  out[offset + 9] = nanos >>> 24;
  out[offset + 10] = (nanos >>> 16) & 0xff;
  out[offset + 11] = (nanos >>> 8) & 0xff;
  out[offset + 12] = nanos & 0xff;
  out[offset + 13] = fraction.length;
  const tz = encodeTz(m[8]);
  out[offset + 14] = tz >>> 8;
  out[offset + 15] = tz & 0xff;
  return decodeDateTime(out, offset) === lexical;
}

function decodeDateTime(bytes: Uint8Array, offset: number): string {
  const year = readYear(bytes, offset);
  const [mo, d, h, mi, s] = [4, 5, 6, 7, 8].map((i) => pad(bytes[offset + i], 2));
  const nanos = ((bytes[offset + 9] << 24) | (bytes[offset + 10] << 16) | (bytes[offset + 11] << 8) | bytes[offset + 12]) >>> 0;
  const digits = bytes[offset + 13];
  const fraction = digits === 0 ? '' : `.${pad(nanos, 9).slice(0, digits)}`;
  const tz = formatTz((bytes[offset + 14] << 8) | bytes[offset + 15]);
  return `${formatYear(year)}-${mo}-${d}T${h}:${mi}:${s}${fraction}${tz}`;
}

// Layout: year(4) month day(2) tz(2), rest zero.
function encodeDate(lexical: string, out: Uint8Array, offset: number): boolean {
  const m = DATE.exec(lexical);
  if (!m) return false;
  writeYear(out, offset, Number(m[1]));
  out[offset + 4] = Number(m[2]);
  out[offset + 5] = Number(m[3]);
  const tz = encodeTz(m[4]);
  out[offset + 6] = tz >>> 8;
  out[offset + 7] = tz & 0xff;
  return decodeDate(out, offset) === lexical;
}

function decodeDate(bytes: Uint8Array, offset: number): string {
  const tz = formatTz((bytes[offset + 6] << 8) | bytes[offset + 7]);
  return `${formatYear(readYear(bytes, offset))}-${pad(bytes[offset + 4], 2)}-${pad(bytes[offset + 5], 2)}${tz}`;
}
