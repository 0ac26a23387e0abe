import { describe, expect, it } from 'vitest';
import { parseQuery } from '../parser/parse-sparql';
import { translateQuery } from './translate-query';

const translate = (q: string) => translateQuery(parseQuery(q, { baseIri: 'http://ex/' }));

describe('algebra translation (§18)', () => {
  it('turns OPTIONAL { ... FILTER } into LeftJoin with the filter as condition', () => {
    const { op } = translate('SELECT * { ?s <p> ?o OPTIONAL { ?s <q> ?x FILTER(?x > ?o) } }');
    expect(op).toMatchObject({ type: 'project', input: { type: 'leftJoin', expr: { type: 'call', name: '>' } } });
  });

  it('applies group FILTERs to the whole group', () => {
    const { op } = translate('SELECT * { FILTER(?o = 1) ?s <p> ?o OPTIONAL { ?s <q> ?x } }');
    expect(op).toMatchObject({ type: 'project', input: { type: 'filter', input: { type: 'leftJoin' } } });
  });

  it('collects aggregates into a Group below HAVING, select expressions and ORDER BY', () => {
    const { op, form } = translate('SELECT ?s (COUNT(?o) AS ?c) { ?s <p> ?o } GROUP BY ?s HAVING (COUNT(?o) > 1) ORDER BY ?c LIMIT 5');
    expect(form).toEqual({ type: 'select', variables: ['s', 'c'] });
    expect(op).toMatchObject({
      type: 'slice',
      limit: 5,
      input: { type: 'project', input: { type: 'orderBy', input: { type: 'extend', variable: 'c', input: { type: 'filter', input: { type: 'group' } } } } },
    });
  });

  it('expands sequence paths into BGPs with hidden variables and keeps closures as path operators', () => {
    const { op, form } = translate('SELECT * { ?s <p>/<q>* ?o }');
    expect(form).toEqual({ type: 'select', variables: ['s', 'o'] });
    expect(op).toMatchObject({ type: 'project', input: { type: 'join', left: { type: 'bgp' }, right: { type: 'path', path: { type: 'zeroOrMore' } } } });
  });

  it('rejects non-grouped projected variables and duplicate AS variables', () => {
    expect(() => translate('SELECT ?o (COUNT(*) AS ?c) { ?s <p> ?o } GROUP BY ?s')).toThrow();
    expect(() => translate('SELECT (1 AS ?x) (2 AS ?x) {}')).toThrow();
  });

  it('records FROM / FROM NAMED and whether results are ordered', () => {
    const q = translate('SELECT * FROM <g1> FROM NAMED <g2> { ?s ?p ?o } ORDER BY ?s');
    expect(q.dataset?.defaultGraphs.map((g) => g.value)).toEqual(['http://ex/g1']);
    expect(q.dataset?.namedGraphs.map((g) => g.value)).toEqual(['http://ex/g2']);
    expect(q.ordered).toBe(true);
  });
});
