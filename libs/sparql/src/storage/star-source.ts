import type * as RDF from '@rdfjs/types';
import type { Expr, TriplePattern } from '../algebra/algebra';
import { inScopeVariables } from '../algebra/variables';
import type { Binding } from '../eval/binding';
import type { NamedNode } from '../rdf/terms';
import type { MatchOptions, QuadSource } from './quad-source';

/** Triple patterns sharing one subject (a variable or a constant), matched in one graph. */
export interface StarQuery {
  patterns: TriplePattern[];
  graph: NamedNode | RDF.DefaultGraph;
  /**
   * Conditions over the star's own variables that its solutions must meet. The engine checks
   * them again afterwards, so a source may apply them (to send fewer rows) or not.
   */
  filters?: Expr[];
}

/**
 * A source that evaluates whole stars where the subject's quads live (a distributed store
 * partitioned by subject): one round trip per region and batch instead of one per pattern
 * and lookup.
 */
export interface StarSource {
  /**
   * The star's solutions for every seed, each already merged with its seed: the union over
   * seeds of Join({seed}, star). Order is free.
   */
  matchStar(star: StarQuery, seeds: readonly Binding[], opts?: MatchOptions): AsyncIterable<Binding[]>;
}

/** One group of a counted star: the group's key values and how many solutions it has. */
export interface StarGroupCount {
  key: Binding;
  count: number;
}

/**
 * A star source that can count a star's solutions per group where the data lives, so GROUP
 * BY with COUNT sends one row per group and region instead of every solution.
 */
export interface StarCountSource extends StarSource {
  /** The star's solutions counted per distinct value of `groupBy` (variables of the star). */
  countStarGroups(star: StarQuery, groupBy: string[], opts?: MatchOptions): Promise<StarGroupCount[]>;
}

export function isStarCountSource(source: QuadSource): source is QuadSource & StarCountSource {
  return typeof (source as Partial<StarCountSource>).countStarGroups === 'function';
}

export function isStarSource(source: QuadSource): source is QuadSource & StarSource {
  return typeof (source as Partial<StarSource>).matchStar === 'function';
}

/** The variables a star binds, in order of first appearance. */
export function starVariables(patterns: readonly TriplePattern[]): string[] {
  return [...inScopeVariables({ type: 'bgp', patterns: [...patterns] })];
}
