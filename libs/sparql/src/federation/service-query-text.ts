import { Generator, type Pattern, type SelectQuery, type Wildcard } from 'sparqljs';
import { termToNt } from '../results/term-syntax';
import type { Binding } from '../eval/binding';

const generator = new Generator();
const WILDCARD = { termType: 'Wildcard', value: '*', equals: (other: { termType?: string } | null | undefined) => other?.termType === 'Wildcard' } as Wildcard;

/** `SELECT * WHERE { … }` for a SERVICE group, with every IRI written out (no prefixes needed). */
export function serviceQueryText(patterns: Pattern[]): string {
  const query: SelectQuery = { type: 'query', queryType: 'SELECT', variables: [WILDCARD], where: patterns, prefixes: {} };
  return generator.stringify(query);
}

/**
 * The query for one evaluation of a SERVICE clause: the solution it is evaluated for travels as
 * a one-row VALUES block, so the endpoint returns only compatible rows (a bind join). Blank nodes
 * cannot cross endpoints, so they are left for the local compatibility check.
 */
export function queryWithSeed(queryText: string, patternVariables: ReadonlySet<string>, seed: Binding): string {
  const bound: [string, string][] = [];
  for (const name of patternVariables) {
    const term = seed.get(name);
    if (term && term.termType !== 'BlankNode') bound.push([name, termToNt(term)]);
  }
  if (bound.length === 0) return queryText;
  const values = `VALUES (${bound.map(([n]) => `?${n}`).join(' ')}) { (${bound.map(([, t]) => t).join(' ')}) }`;
  const open = queryText.indexOf('{');
  return `${queryText.slice(0, open + 1)}\n  ${values}${queryText.slice(open + 1)}`;
}
