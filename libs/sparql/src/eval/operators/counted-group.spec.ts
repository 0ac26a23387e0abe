import { describe, expect, it } from 'vitest';
import { collectBindings } from '../../engine/query-result';
import { QueryEngine } from '../../engine/query-engine';
import { factory, literal, namedNode, type Quad } from '../../rdf/terms';
import { InMemoryQuadSource } from '../../storage/in-memory-quad-source';
import { PartitionedQuadSource } from '../../testing/partitioned-quad-source';

const ex = (s: string) => namedNode(`http://ex/${s}`);

function data(): Quad[] {
  const quads: Quad[] = [];
  for (let i = 0; i < 60; i++) {
    quads.push(factory.quad(ex(`s${i}`), ex('takes'), ex(`c${i % 7}`)));
    if (i % 2 === 0) quads.push(factory.quad(ex(`s${i}`), ex('takes'), ex(`c${(i + 3) % 7}`)));
    quads.push(factory.quad(ex(`s${i}`), ex('age'), literal(String(18 + (i % 4)))));
  }
  quads.push(factory.quad(ex('s1'), ex('takes'), ex('c1'), ex('g')));
  // A solution of ?x :takes ?x only.
  quads.push(factory.quad(ex('c3'), ex('takes'), ex('c3')));
  return quads;
}

async function rows(source: InMemoryQuadSource | PartitionedQuadSource, q: string): Promise<string[]> {
  const r = await new QueryEngine(source).query(q);
  if (r.type !== 'bindings') throw new Error('expected bindings');
  return (await collectBindings(r))
    .map((b) => [...b.entries()].map(([k, v]) => `${k}=${v.termType}:${v.value}:${v.termType === 'Literal' ? v.datatype.value : ''}`).sort().join(' '))
    .sort();
}

describe('GROUP BY ... COUNT counted where the data lives', () => {
  const queries = [
    'SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s <http://ex/takes> ?c } GROUP BY ?c',
    'SELECT ?c (COUNT(*) AS ?n) (COUNT(?s) AS ?m) WHERE { ?s <http://ex/takes> ?c } GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 3',
    'SELECT ?c ?a (COUNT(*) AS ?n) WHERE { ?s <http://ex/takes> ?c ; <http://ex/age> ?a } GROUP BY ?c ?a',
    'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }',
    'SELECT (COUNT(*) AS ?n) WHERE { ?s <http://ex/none> ?o }',
    'SELECT ?c (COUNT(*) AS ?n) WHERE { ?s <http://ex/none> ?c } GROUP BY ?c',
    'SELECT ?c (COUNT(*) AS ?n) WHERE { <http://ex/s2> <http://ex/takes> ?c } GROUP BY ?c HAVING (COUNT(*) > 0)',
    'SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p',
    'SELECT ?s (COUNT(?c) AS ?n) WHERE { ?s <http://ex/takes> ?c } GROUP BY ?s',
    'SELECT ?a (COUNT(*) AS ?n) WHERE { ?s <http://ex/age> ?a } GROUP BY ?a ORDER BY DESC(?n) ?a',
    'SELECT ?x (COUNT(*) AS ?n) WHERE { ?x <http://ex/takes> ?x } GROUP BY ?x',
    'SELECT (COUNT(*) AS ?n) WHERE { ?x <http://ex/takes> ?x }',
  ];

  it.each(queries)('%s: the same answer as counting every solution', async (q) => {
    const partitioned = new PartitionedQuadSource(data(), 3);
    const expected = await rows(new InMemoryQuadSource(data()), q);
    expect(await rows(partitioned, q)).toEqual(expected);
    // GROUP BY over no solutions has no groups; every other query here has some
    expect(expected.length > 0).toBe(!q.includes('none> ?c'));
    expect(partitioned.countCalls).toBe(1);
  });

  it.each([
    'SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s <http://ex/takes> ?c } GROUP BY ?c',
    'SELECT ?c (SUM(?a) AS ?n) WHERE { ?s <http://ex/takes> ?c ; <http://ex/age> ?a } GROUP BY ?c',
    'SELECT ?a (COUNT(*) AS ?n) WHERE { ?s <http://ex/takes> ?c . ?c <http://ex/age> ?a } GROUP BY ?a',
    'SELECT ?c (COUNT(*) AS ?n) WHERE { ?s <http://ex/takes> ?c FILTER(?c != <http://ex/c1>) } GROUP BY ?c',
    'SELECT ?k (COUNT(*) AS ?n) WHERE { ?s <http://ex/takes> ?c } GROUP BY (STR(?c) AS ?k)',
    'SELECT ?c (COUNT(*) AS ?n) WHERE { GRAPH <http://ex/g> { ?s <http://ex/takes> ?c } } GROUP BY ?c',
  ])('%s: left to the general group operator', async (q) => {
    const partitioned = new PartitionedQuadSource(data(), 3);
    expect(await rows(partitioned, q)).toEqual(await rows(new InMemoryQuadSource(data()), q));
    expect(partitioned.countCalls).toBe(0);
  });
});
