import { ExpressionError } from '../errors';
import type { Literal, Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';

/** A parsed xsd:dateTime / xsd:date. `tz` is the offset in minutes, undefined when absent. */
export interface DateTimeValue {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Seconds as written (keeps decimals like "01.5"). */
  secondLexical: string;
  tz?: number;
}

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;

function parseTz(tz: string | undefined): number | undefined {
  if (tz === undefined) return undefined;
  if (tz === 'Z') return 0;
  const sign = tz.startsWith('-') ? -1 : 1;
  return sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6)));
}

export function isDateTimeLiteral(term: Term): term is Literal {
  return term.termType === 'Literal' && (term.datatype.value === xsd.dateTime || term.datatype.value === xsd.date);
}

export function parseDateTime(term: Literal): DateTimeValue | undefined {
  const lex = term.value.trim();
  if (term.datatype.value === xsd.date) {
    const m = DATE.exec(lex);
    if (!m) return undefined;
    return { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 0, minute: 0, second: 0, secondLexical: '00', tz: parseTz(m[4]) };
  }
  const m = DATE_TIME.exec(lex);
  if (!m) return undefined;
  const month = +m[2]!;
  const day = +m[3]!;
  const hour = +m[4]!;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24) return undefined;
  return {
    year: +m[1]!,
    month,
    day,
    hour,
    minute: +m[5]!,
    second: Number(m[6]),
    secondLexical: m[6]!,
    tz: parseTz(m[7]),
  };
}

export function dateTimeOf(term: Term): DateTimeValue {
  if (!isDateTimeLiteral(term)) throw new ExpressionError('not a dateTime');
  const v = parseDateTime(term);
  if (!v) throw new ExpressionError('invalid dateTime');
  return v;
}

/** Milliseconds since epoch, treating a missing timezone as UTC (an implementation choice). */
export function dateTimeToEpoch(v: DateTimeValue): number {
  // setUTCFullYear/setUTCHours avoid Date.UTC's 0-99 => 19xx mapping and roll 24:00 over.
  const d = new Date(0);
  d.setUTCFullYear(v.year, v.month - 1, v.day);
  d.setUTCHours(v.hour, v.minute, 0, 0);
  return d.getTime() + v.second * 1000 - (v.tz ?? 0) * 60_000;
}

/**
 * Compares two dateTimes. Returns undefined when the order is indeterminate (one has a
 * timezone, the other does not, and they are within 14 hours of each other, per XSD).
 */
export function compareDateTime(a: DateTimeValue, b: DateTimeValue): number | undefined {
  const x = dateTimeToEpoch(a);
  const y = dateTimeToEpoch(b);
  if ((a.tz === undefined) !== (b.tz === undefined) && Math.abs(x - y) < 14 * 3_600_000) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** xsd:dayTimeDuration lexical form of a timezone offset, e.g. -PT5H, PT0S. */
export function timezoneDuration(tz: number): string {
  if (tz === 0) return 'PT0S';
  const sign = tz < 0 ? '-' : '';
  const abs = Math.abs(tz);
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `${sign}PT${h > 0 ? `${h}H` : ''}${m > 0 ? `${m}M` : ''}`;
}

export function timezoneString(tz: number | undefined): string {
  if (tz === undefined) return '';
  if (tz === 0) return 'Z';
  const sign = tz < 0 ? '-' : '+';
  const abs = Math.abs(tz);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
