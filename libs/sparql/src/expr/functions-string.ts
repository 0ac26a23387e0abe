import { ExpressionError } from '../errors';
import { booleanLiteral, integerLiteral, literal, stringLiteral, type Literal, type Term } from '../rdf/terms';
import type { FunctionImpl } from './call-context';
import { numericOf, toNumber } from './numeric';
import { checkCompatible, codePoints, sameKindAs, simpleStringArg, stringArg } from './string-args';

function substr(args: Term[]): Term {
  const source = stringArg(args[0]);
  const start = toNumber(numericOf(args[1]!));
  const chars = codePoints(source.value);
  // fn:substring: characters at 1-based positions p with round(start) <= p < round(start) + round(length).
  const from = Math.round(start);
  const to = args[2] === undefined ? Infinity : from + Math.round(toNumber(numericOf(args[2])));
  if (Number.isNaN(from) || Number.isNaN(to)) return sameKindAs(source, '');
  const picked = chars.filter((_, i) => i + 1 >= from && i + 1 < to);
  return sameKindAs(source, picked.join(''));
}

function strBefore(args: Term[]): Term {
  const a = stringArg(args[0]);
  const b = stringArg(args[1]);
  checkCompatible(a, b);
  const i = a.value.indexOf(b.value);
  if (i < 0) return stringLiteral('');
  return sameKindAs(a, a.value.slice(0, i));
}

function strAfter(args: Term[]): Term {
  const a = stringArg(args[0]);
  const b = stringArg(args[1]);
  checkCompatible(a, b);
  const i = a.value.indexOf(b.value);
  if (i < 0) return stringLiteral('');
  return sameKindAs(a, a.value.slice(i + b.value.length));
}

function concat(args: Term[]): Term {
  const parts = args.map(stringArg);
  const value = parts.map((p) => p.value).join('');
  const [first] = parts;
  if (first && first.language !== '' && parts.every((p) => p.language === first.language)) {
    return literal(value, first.language);
  }
  return stringLiteral(value);
}

/** Turns an XPath regex + flags into a JS RegExp. */
export function buildRegex(pattern: string, flags: string, global = false): RegExp {
  let source = pattern;
  let jsFlags = global ? 'g' : '';
  for (const f of flags) {
    if (f === 'i' || f === 's' || f === 'm') jsFlags += f;
    else if (f === 'x') source = source.replace(/\s+/g, '');
    else if (f === 'q') source = source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else throw new ExpressionError(`invalid regex flag ${f}`);
  }
  try {
    return new RegExp(source, `${jsFlags}u`);
  } catch {
    try {
      return new RegExp(source, jsFlags);
    } catch {
      throw new ExpressionError('invalid regular expression');
    }
  }
}

function regex(args: Term[]): Term {
  const text = stringArg(args[0]);
  const pattern = simpleStringArg(args[1]);
  const flags = args[2] === undefined ? '' : simpleStringArg(args[2]).value;
  return booleanLiteral(buildRegex(pattern.value, flags).test(text.value));
}

/** XPath replacement strings escape with backslash; JS uses `$$` for a literal dollar. */
function jsReplacement(xpath: string): string {
  let out = '';
  for (let i = 0; i < xpath.length; i++) {
    const c = xpath[i]!;
    if (c === '\\') {
      const next = xpath[++i];
      if (next === '$') out += '$$';
      else if (next === '\\') out += '\\';
      else throw new ExpressionError('invalid replacement string');
    } else if (c === '$') {
      if (!/\d/.test(xpath[i + 1] ?? '')) throw new ExpressionError('invalid replacement string');
      out += '$';
    } else out += c;
  }
  return out;
}

function replace(args: Term[]): Term {
  const text = stringArg(args[0]);
  const pattern = simpleStringArg(args[1]);
  const replacement = simpleStringArg(args[2]);
  const flags = args[3] === undefined ? '' : simpleStringArg(args[3]).value;
  const re = buildRegex(pattern.value, flags, true);
  if (re.test('')) throw new ExpressionError('pattern matches the empty string');
  return sameKindAs(text, text.value.replace(re, jsReplacement(replacement.value)));
}

function langMatches(args: Term[]): Term {
  const tag = simpleStringArg(args[0]).value.toLowerCase();
  const range = simpleStringArg(args[1]).value.toLowerCase();
  if (range === '*') return booleanLiteral(tag !== '');
  return booleanLiteral(tag === range || tag.startsWith(`${range}-`));
}

function encodeForUri(args: Term[]): Term {
  const s = stringArg(args[0]).value;
  return stringLiteral(encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

function binaryStringTest(test: (a: string, b: string) => boolean): FunctionImpl {
  return (args) => {
    const a = stringArg(args[0]);
    const b = stringArg(args[1]);
    checkCompatible(a, b);
    return booleanLiteral(test(a.value, b.value));
  };
}

function mapString(fn: (s: string) => string): FunctionImpl {
  return (args) => {
    const a: Literal = stringArg(args[0]);
    return sameKindAs(a, fn(a.value));
  };
}

export const stringFunctions: Record<string, FunctionImpl> = {
  strlen: (args) => integerLiteral(codePoints(stringArg(args[0]).value).length),
  substr,
  ucase: mapString((s) => s.toUpperCase()),
  lcase: mapString((s) => s.toLowerCase()),
  strstarts: binaryStringTest((a, b) => a.startsWith(b)),
  strends: binaryStringTest((a, b) => a.endsWith(b)),
  contains: binaryStringTest((a, b) => a.includes(b)),
  strbefore: strBefore,
  strafter: strAfter,
  encode_for_uri: encodeForUri,
  concat,
  langmatches: langMatches,
  regex,
  replace,
};
