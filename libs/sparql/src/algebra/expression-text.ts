import { parseQuery } from '../parser/parse-sparql';
import { termToNt } from '../results/term-syntax';
import type { Expr, Op } from './algebra';
import { translateQuery } from './translate-query';

const BINARY = new Set(['||', '&&', '=', '!=', '<', '>', '<=', '>=', '+', '-', '*', '/']);
const UNARY: Record<string, string> = { '!': '!', uminus: '-', uplus: '+' };
/** Their value depends on where or when they run (or on the query's base IRI). */
const CONTEXT_DEPENDENT = new Set(['rand', 'now', 'uuid', 'struuid', 'bnode', 'iri', 'uri']);
const VARNAME = /^[A-Za-z0-9_\u00B7\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u037D\u037F-\u1FFF\u200C-\u200D\u203F-\u2040\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD]+$/;

/**
 * SPARQL text for an expression that evaluates the same wherever it runs, so another process
 * (a storage node) can apply it; undefined for EXISTS, hidden variables and functions whose
 * value depends on the time, the place or the query (NOW, RAND, BNODE, IRI...).
 */
export function portableExpressionText(e: Expr): string | undefined {
  switch (e.type) {
    case 'term':
      return termToNt(e.term);
    case 'var':
      return VARNAME.test(e.name) ? `?${e.name}` : undefined;
    case 'exists':
      return undefined;
    case 'in': {
      const parts = [e.expr, ...e.list].map(portableExpressionText);
      if (parts.some((p) => p === undefined)) return undefined;
      return `(${parts[0]} ${e.negated ? 'NOT IN' : 'IN'} (${parts.slice(1).join(', ')}))`;
    }
    case 'iriCall': {
      const args = e.args.map(portableExpressionText);
      return args.some((a) => a === undefined) ? undefined : `<${e.iri}>(${args.join(', ')})`;
    }
    case 'call': {
      if (CONTEXT_DEPENDENT.has(e.name)) return undefined;
      const args = e.args.map(portableExpressionText);
      if (args.some((a) => a === undefined)) return undefined;
      if (BINARY.has(e.name) && args.length === 2) return `(${args[0]} ${e.name} ${args[1]})`;
      if (UNARY[e.name] && args.length === 1) return `(${UNARY[e.name]}${args[0]})`;
      if (!/^[a-z_0-9]+$/.test(e.name)) return undefined;
      return `${e.name.toUpperCase()}(${args.join(', ')})`;
    }
  }
}

/** The expression of `FILTER(text)`: the inverse of portableExpressionText. */
export function parseExpressionText(text: string): Expr {
  const op: Op = translateQuery(parseQuery(`SELECT * WHERE { FILTER(${text}) }`)).op;
  const filter = findFilter(op);
  if (!filter) throw new Error(`not an expression: ${text}`);
  return filter;
}

function findFilter(op: Op): Expr | undefined {
  if (op.type === 'filter') return op.expr;
  if ('input' in op) return findFilter(op.input);
  return undefined;
}
