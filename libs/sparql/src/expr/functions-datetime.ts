import { ExpressionError } from '../errors';
import { integerLiteral, stringLiteral, typedLiteral, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import type { FunctionImpl } from './call-context';
import { dateTimeOf, timezoneDuration, timezoneString } from './datetime';
import { formatDecimal, parseDecimal } from './decimal';

function first(args: Term[]): Term {
  const t = args[0];
  if (t === undefined) throw new ExpressionError('missing argument');
  return t;
}

export const dateTimeFunctions: Record<string, FunctionImpl> = {
  year: (args) => integerLiteral(dateTimeOf(first(args)).year),
  month: (args) => integerLiteral(dateTimeOf(first(args)).month),
  day: (args) => integerLiteral(dateTimeOf(first(args)).day),
  hours: (args) => integerLiteral(dateTimeOf(first(args)).hour),
  minutes: (args) => integerLiteral(dateTimeOf(first(args)).minute),
  seconds: (args) => {
    const d = parseDecimal(dateTimeOf(first(args)).secondLexical);
    if (d === undefined) throw new ExpressionError('invalid seconds');
    return typedLiteral(formatDecimal(d), xsd.decimal);
  },
  timezone: (args) => {
    const tz = dateTimeOf(first(args)).tz;
    if (tz === undefined) throw new ExpressionError('no timezone');
    return typedLiteral(timezoneDuration(tz), xsd.dayTimeDuration);
  },
  tz: (args) => stringLiteral(timezoneString(dateTimeOf(first(args)).tz)),
  now: (_args, ctx) => ctx.now,
};
