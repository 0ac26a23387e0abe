import { randomUUID } from 'node:crypto';
import { ExpressionError } from '../errors';
import { booleanLiteral, literal, namedNode, stringLiteral, typedLiteral, type Term } from '../rdf/terms';
import { rdf } from '../rdf/vocab';
import type { FunctionImpl } from './call-context';
import { isNumericTerm } from './numeric';
import { simpleStringArg } from './string-args';

function arg(args: Term[], i = 0): Term {
  const t = args[i];
  if (t === undefined) throw new ExpressionError('missing argument');
  return t;
}

function str(args: Term[]): Term {
  const t = arg(args);
  if (t.termType === 'NamedNode' || t.termType === 'Literal') return stringLiteral(t.value);
  throw new ExpressionError('STR of a blank node');
}

/** Resolves against the query base; without a base the string is taken as an absolute IRI. */
function resolveIri(relative: string, base?: string): string {
  if (base === undefined) return relative;
  try {
    return new URL(relative, base).href;
  } catch {
    throw new ExpressionError('cannot resolve IRI');
  }
}

function iri(args: Term[], ctx: { baseIri?: string }): Term {
  const t = arg(args);
  if (t.termType === 'NamedNode') return t;
  const s = simpleStringArg(t);
  return namedNode(resolveIri(s.value, ctx.baseIri));
}

export const termFunctions: Record<string, FunctionImpl> = {
  str,
  lang: (args) => {
    const t = arg(args);
    if (t.termType !== 'Literal') throw new ExpressionError('LANG of a non-literal');
    return stringLiteral(t.language);
  },
  datatype: (args) => {
    const t = arg(args);
    if (t.termType !== 'Literal') throw new ExpressionError('DATATYPE of a non-literal');
    return namedNode(t.language !== '' ? rdf.langString : t.datatype.value);
  },
  iri,
  uri: iri,
  bnode: (args, ctx) => (args.length === 0 ? ctx.freshBnode() : ctx.bnodeFor(simpleStringArg(args[0]).value)),
  strdt: (args) => {
    const lexical = simpleStringArg(args[0]);
    const dt = arg(args, 1);
    if (dt.termType !== 'NamedNode') throw new ExpressionError('STRDT needs an IRI');
    return typedLiteral(lexical.value, dt.value);
  },
  strlang: (args) => {
    const lexical = simpleStringArg(args[0]);
    const lang = simpleStringArg(args[1]).value;
    if (!/^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/.test(lang)) throw new ExpressionError('invalid language tag');
    return literal(lexical.value, lang);
  },
  uuid: () => namedNode(`urn:uuid:${randomUUID()}`),
  struuid: () => stringLiteral(randomUUID()),
  sameterm: (args) => booleanLiteral(arg(args, 0).equals(arg(args, 1))),
  isiri: (args) => booleanLiteral(arg(args).termType === 'NamedNode'),
  isuri: (args) => booleanLiteral(arg(args).termType === 'NamedNode'),
  isblank: (args) => booleanLiteral(arg(args).termType === 'BlankNode'),
  isliteral: (args) => booleanLiteral(arg(args).termType === 'Literal'),
  isnumeric: (args) => booleanLiteral(isNumericTerm(arg(args))),
};
