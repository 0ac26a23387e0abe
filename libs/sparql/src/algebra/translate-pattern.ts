import type * as S from 'sparqljs';
import { serviceQueryText } from '../federation/service-query-text';
import { SparqlSyntaxError } from '../errors';
import { variable, type GroundTerm, type Term } from '../rdf/terms';
import { BNODE_VAR_PREFIX, EMPTY_BGP, type Expr, type Op, type PatternTerm, type TriplePattern } from './algebra';
import { translateExpression, type ExpressionScope } from './translate-expression';
import { expandPathTriple, translatePath } from './translate-path';

/** Translates a sub-SELECT; provided by translate-query to avoid a module cycle. */
export type SubqueryTranslator = (query: S.SelectQuery) => Op;

export class PatternTranslator {
  constructor(private readonly translateSubquery: SubqueryTranslator) {}

  /**
   * Blank node labels may not be shared between basic graph patterns (§4.1.4). A BGP spans
   * consecutive triple blocks and FILTERs; any other group element starts a new one.
   */
  private readonly bnodeScopes = new Map<string, number>();
  private scopeCounter = 0;
  private currentScope = 0;

  readonly expressionScope: ExpressionScope = {
    translatePattern: (p: S.Pattern) => this.translateGroup(p.type === 'group' ? p.patterns : [p]),
  };

  /** §18.2.2.6: a group's elements fold left into joins; its FILTERs apply to the whole group. */
  translateGroup(patterns: S.Pattern[]): Op {
    let g: Op = EMPTY_BGP;
    const filters: Expr[] = [];
    this.currentScope = ++this.scopeCounter;
    for (const p of patterns) {
      if (p.type !== 'bgp' && p.type !== 'filter') this.currentScope = ++this.scopeCounter;
      switch (p.type) {
        case 'filter':
          filters.push(this.expr(p.expression));
          break;
        case 'bgp':
          g = join(g, this.translateBgp(p.triples));
          break;
        case 'optional': {
          const right = this.translateGroup(p.patterns);
          // Only the OPTIONAL group's own FILTERs become the LeftJoin condition; a FILTER in a
          // nested group stays scoped to that group (dawg-optional-filter-005-not-simplified).
          const ownFilter = p.patterns.some((x) => x.type === 'filter');
          g = ownFilter && right.type === 'filter' ? { type: 'leftJoin', left: g, right: right.input, expr: right.expr } : { type: 'leftJoin', left: g, right };
          break;
        }
        case 'minus':
          g = { type: 'minus', left: g, right: this.translateGroup(p.patterns) };
          break;
        case 'bind':
          g = { type: 'extend', input: g, variable: p.variable.value, expr: this.expr(p.expression) };
          break;
        case 'union':
          g = join(g, this.translateUnion(p.patterns));
          break;
        case 'group':
          g = join(g, this.translateGroup(p.patterns));
          break;
        case 'graph':
          g = join(g, { type: 'graph', name: p.name, input: this.translateGroup(p.patterns) });
          break;
        case 'service':
          g = join(g, { type: 'service', name: p.name, silent: p.silent, input: this.translateGroup(p.patterns), queryText: serviceQueryText(p.patterns) });
          break;
        case 'values':
          g = join(g, translateValues(p.values));
          break;
        case 'query':
          g = join(g, this.translateSubquery(p));
          break;
        default:
          throw new SparqlSyntaxError(`unsupported pattern ${String((p as { type: unknown }).type)}`);
      }
      // Nested groups moved the scope; triples after this element form a new BGP.
      if (p.type !== 'bgp' && p.type !== 'filter') this.currentScope = ++this.scopeCounter;
    }
    if (filters.length === 0) return g;
    const expr = filters.reduce((a, b) => ({ type: 'call', name: '&&', args: [a, b] }));
    return { type: 'filter', expr, input: g };
  }

  private translateUnion(branches: S.Pattern[]): Op {
    const ops = branches.map((b) => this.translateGroup(b.type === 'group' ? b.patterns : [b]));
    return ops.reduce((left, right) => ({ type: 'union', left, right }));
  }

  translateBgp(triples: S.Triple[]): Op {
    const patterns: TriplePattern[] = [];
    const ops: Op[] = [];
    for (const t of triples) {
      for (const term of [t.subject, t.object]) if (term.termType === 'BlankNode') this.claimLabel(term.value);
      const s = patternTerm(t.subject);
      const o = patternTerm(t.object);
      const pred = t.predicate;
      if ('termType' in pred) patterns.push({ s, p: patternTerm(pred), o });
      else expandPathTriple(s, translatePath(pred), o, patterns, ops);
    }
    let result: Op = { type: 'bgp', patterns };
    for (const op of ops) result = join(result, op);
    return result;
  }

  private claimLabel(label: string): void {
    const scope = this.bnodeScopes.get(label);
    if (scope === undefined) this.bnodeScopes.set(label, this.currentScope);
    else if (scope !== this.currentScope) throw new SparqlSyntaxError(`blank node label _:${label} used in two basic graph patterns`);
  }

  expr(e: S.Expression): Expr {
    return translateExpression(e, this.expressionScope);
  }
}

/** Join with the empty BGP as identity, merging adjacent BGPs (they are one BGP in the spec). */
export function join(left: Op, right: Op): Op {
  if (isEmptyBgp(left)) return right;
  if (isEmptyBgp(right)) return left;
  if (left.type === 'bgp' && right.type === 'bgp') return { type: 'bgp', patterns: [...left.patterns, ...right.patterns] };
  return { type: 'join', left, right };
}

export function isEmptyBgp(op: Op): boolean {
  return op.type === 'bgp' && op.patterns.length === 0;
}

/** Blank nodes in patterns act as non-distinguished variables. */
export function patternTerm(term: Term): PatternTerm {
  switch (term.termType) {
    case 'Variable':
    case 'NamedNode':
    case 'Literal':
      return term;
    case 'BlankNode':
      return variable(`${BNODE_VAR_PREFIX}bnode:${term.value}`);
    default:
      throw new SparqlSyntaxError(`unsupported term type ${term.termType} in pattern`);
  }
}

export function translateValues(rows: S.ValuePatternRow[]): Op {
  const variables = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) variables.add(key.replace(/^[?$]/, ''));
  const out = rows.map((row) => {
    const binding: Record<string, GroundTerm | undefined> = {};
    for (const [key, value] of Object.entries(row)) binding[key.replace(/^[?$]/, '')] = value;
    return binding;
  });
  return { type: 'values', variables: [...variables], rows: out };
}
