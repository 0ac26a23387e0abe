import type { GroundTerm, NamedNode, Term, Variable } from '../rdf/terms';

/**
 * Quarry's compact SPARQL algebra (SPARQL 1.1 §18). Variables are referred to by name (no '?').
 * Blank nodes in query patterns are turned into variables whose names start with BNODE_VAR_PREFIX
 * so they never appear in SELECT * or results.
 */
export const BNODE_VAR_PREFIX = '_:';

/** A pattern position: a constant term or a variable. */
export type PatternTerm = GroundTerm | Variable;

export interface TriplePattern {
  s: PatternTerm;
  p: PatternTerm;
  o: PatternTerm;
}

export type Path =
  | { type: 'link'; iri: NamedNode }
  | { type: 'inv'; path: Path }
  | { type: 'seq'; items: Path[] }
  | { type: 'alt'; items: Path[] }
  | { type: 'zeroOrMore'; path: Path }
  | { type: 'oneOrMore'; path: Path }
  | { type: 'zeroOrOne'; path: Path }
  /** Negated property set: forward IRIs excluded and inverse IRIs excluded. */
  | { type: 'nps'; iris: NamedNode[]; inverse: NamedNode[] };

export type AggregateName = 'count' | 'sum' | 'min' | 'max' | 'avg' | 'sample' | 'group_concat';

export interface Aggregate {
  name: AggregateName;
  distinct: boolean;
  /** Undefined for COUNT(*). */
  expr?: Expr;
  separator?: string;
}

export type Expr =
  | { type: 'term'; term: GroundTerm }
  | { type: 'var'; name: string }
  /** Built-in or operator, named in lower case ('+', '&&', 'strlen', 'regex', ...). */
  | { type: 'call'; name: string; args: Expr[] }
  /** Extension / cast function identified by IRI (xsd:integer(...), etc.). */
  | { type: 'iriCall'; iri: string; args: Expr[] }
  | { type: 'in'; negated: boolean; expr: Expr; list: Expr[] }
  | { type: 'exists'; negated: boolean; pattern: Op };

export interface OrderCondition {
  expr: Expr;
  descending: boolean;
}

export type Op =
  | { type: 'bgp'; patterns: TriplePattern[] }
  | { type: 'path'; s: PatternTerm; path: Path; o: PatternTerm }
  | { type: 'join'; left: Op; right: Op }
  | { type: 'leftJoin'; left: Op; right: Op; expr?: Expr }
  | { type: 'union'; left: Op; right: Op }
  | { type: 'minus'; left: Op; right: Op }
  | { type: 'filter'; expr: Expr; input: Op }
  | { type: 'extend'; input: Op; variable: string; expr: Expr }
  | { type: 'values'; variables: string[]; rows: Array<Record<string, GroundTerm | undefined>> }
  | { type: 'graph'; name: NamedNode | Variable; input: Op }
  /** `queryText` is the SELECT * query sent to the remote endpoint (its pattern, as written). */
  | { type: 'service'; name: NamedNode | Variable; silent: boolean; input: Op; queryText: string }
  | {
      type: 'group';
      input: Op;
      keys: Array<{ variable: string; expr: Expr }>;
      aggregates: Array<{ variable: string; aggregate: Aggregate }>;
    }
  | { type: 'orderBy'; input: Op; conditions: OrderCondition[] }
  | { type: 'project'; input: Op; variables: string[] }
  | { type: 'distinct'; input: Op }
  | { type: 'reduced'; input: Op }
  | { type: 'slice'; input: Op; offset: number; limit?: number };

export const EMPTY_BGP: Op = { type: 'bgp', patterns: [] };

export type QueryForm =
  | { type: 'select'; variables: string[] }
  | { type: 'ask' }
  | { type: 'construct'; template: TriplePattern[] }
  | { type: 'describe'; terms: Array<NamedNode | Variable> };

export interface Dataset {
  defaultGraphs: NamedNode[];
  namedGraphs: NamedNode[];
}

/** A translated query: the algebra plus what to do with its solutions. */
export interface AlgebraQuery {
  form: QueryForm;
  op: Op;
  /** Set when the query has FROM / FROM NAMED. */
  dataset?: Dataset;
  /** True when the solution order is significant (top-level ORDER BY). */
  ordered: boolean;
  base?: string;
}

export function isTermExpr(e: Expr): e is { type: 'term'; term: GroundTerm } {
  return e.type === 'term';
}

export type { Term };
