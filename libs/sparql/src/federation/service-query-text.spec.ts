import { describe, expect, it } from 'vitest';
import { Parser, type GroupPattern, type SelectQuery, type ServicePattern } from 'sparqljs';
import { namedNode, literal, blankNode, type Term } from '../rdf/terms';
import { queryWithSeed, serviceQueryText } from './service-query-text';

function servicePatterns(query: string): ServicePattern {
  const parsed = new Parser().parse(query) as SelectQuery;
  const find = (ps: readonly unknown[]): ServicePattern | undefined => {
    for (const p of ps as Array<{ type: string; patterns?: unknown[] }>) {
      if (p.type === 'service') return p as ServicePattern;
      const inner = p.patterns ? find(p.patterns) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  return find(parsed.where ?? [])!;
}

describe('SERVICE query text', () => {
  it('writes the group as a SELECT * query with full IRIs', () => {
    const s = servicePatterns(
      'PREFIX : <http://ex/> SELECT * { ?a :p ?b SERVICE <http://remote/sparql> { ?b :q "x"@en OPTIONAL { ?b :r ?c } FILTER(?c > 2) } }',
    );
    const text = serviceQueryText(s.patterns);
    expect(text).toMatch(/^SELECT \* WHERE \{/);
    expect(text).toContain('<http://ex/q> "x"@en');
    expect(text).toContain('OPTIONAL');
    expect(text).not.toContain('PREFIX');
    // the text is a query another parser accepts
    expect(() => new Parser().parse(text)).not.toThrow();
  });

  it('adds the bound variables of the seed as one VALUES row, leaving blank nodes out', () => {
    const s = servicePatterns('SELECT * { SERVICE <http://remote/sparql> { ?s ?p ?o } }');
    const text = serviceQueryText(s.patterns);
    const seed = new Map<string, Term>([
      ['s', namedNode('http://ex/a')],
      ['o', literal('say "hi"')],
      ['p', blankNode('b1')],
      ['other', namedNode('http://ex/ignored')],
    ]);
    const q = queryWithSeed(text, new Set(['s', 'p', 'o']), seed);
    expect(q).toContain('VALUES (?s ?o) { (<http://ex/a> "say \\"hi\\"") }');
    expect(q).not.toContain('ignored');
    const parsed = new Parser().parse(q) as SelectQuery;
    expect((parsed.where as GroupPattern['patterns'])[0].type).toBe('values');
    expect(queryWithSeed(text, new Set(['s']), new Map())).toBe(text);
  });
});
