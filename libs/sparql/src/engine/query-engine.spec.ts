import { describe, expect, it } from 'vitest';
import { QueryAbortedError, QueryLimitError, SparqlSyntaxError, UnsupportedQueryError } from '../errors';
import { parseQuery, parseUpdate } from '../parser/parse-sparql';
import { ask, construct, select, storeFromTrig } from '../testing/query-helpers';
import { QueryEngine } from './query-engine';
import { collectBindings } from './query-result';

const data = storeFromTrig(`
  @prefix : <http://ex/> .
  :a :p 1 . :a :q _:n . _:n :r "deep" .
  :g1 { :x :p 2 . :shared :p 0 . }
  :g2 { :y :p 3 . :shared :p 0 . }
`);
const P = 'PREFIX : <http://ex/> ';

describe('datasets', () => {
  it('uses only the default graph when there is no FROM (Oxigraph behaviour)', async () => {
    expect(await select(data, `${P} SELECT ?s { ?s :p ?o }`)).toEqual([{ s: '<http://ex/a>' }]);
  });

  it('can use the union of all graphs as default graph', async () => {
    const rows = await select(data, `${P} SELECT DISTINCT ?s { ?s :p ?o }`, { defaultGraphMode: 'union' });
    expect(rows).toHaveLength(4);
  });

  it('merges FROM graphs into the default graph without duplicates', async () => {
    const rows = await select(data, `${P} SELECT ?s FROM :g1 FROM :g2 { ?s :p ?o }`);
    expect(rows.map((r) => r.s).sort()).toEqual(['<http://ex/shared>', '<http://ex/x>', '<http://ex/y>']);
  });

  it('restricts GRAPH to FROM NAMED graphs', async () => {
    const rows = await select(data, `${P} SELECT ?g ?s FROM NAMED :g1 { GRAPH ?g { ?s :p 2 } }`);
    expect(rows).toEqual([{ g: '<http://ex/g1>', s: '<http://ex/x>' }]);
    expect(await select(data, `${P} SELECT ?s FROM NAMED :g1 { ?s :p ?o }`)).toEqual([]);
  });

  it('lets a protocol dataset override FROM', async () => {
    const g2 = { termType: 'NamedNode', value: 'http://ex/g2' } as const;
    const rows = await select(data, `${P} SELECT ?s FROM :g1 { ?s :p 3 }`, {
      dataset: { defaultGraphs: [g2 as never], namedGraphs: [] },
    });
    expect(rows).toEqual([{ s: '<http://ex/y>' }]);
  });
});

describe('query forms', () => {
  it('ASK', async () => {
    expect(await ask(data, `${P} ASK { :a :p 1 }`)).toBe(true);
    expect(await ask(data, `${P} ASK { :a :p 2 }`)).toBe(false);
  });

  it('CONSTRUCT uses fresh blank nodes per solution', async () => {
    const quads = await construct(
      storeFromTrig('<http://s1> <http://p> 1 . <http://s2> <http://p> 2 .'),
      'CONSTRUCT { _:b <http://v> ?o } WHERE { ?s <http://p> ?o }',
    );
    expect(quads).toHaveLength(2);
    expect(quads[0]!.subject.equals(quads[1]!.subject)).toBe(false);
  });

  it('CONSTRUCT skips triples with unbound variables', async () => {
    const quads = await construct(data, `${P} CONSTRUCT { ?s :copy ?missing } WHERE { ?s :p ?o }`);
    expect(quads).toHaveLength(0);
  });

  it('DESCRIBE returns the concise bounded description', async () => {
    const result = await new QueryEngine(data).query(`${P} DESCRIBE :a`);
    if (result.type !== 'quads') throw new Error('expected quads');
    const quads: string[] = [];
    for await (const batch of result.quads) for (const q of batch) quads.push(q.predicate.value);
    expect(quads.sort()).toEqual(['http://ex/p', 'http://ex/q', 'http://ex/r']);
  });
});

describe('errors, limits and cancellation', () => {
  it('reports syntax errors with line and column', () => {
    try {
      parseQuery('SELECT * WHERE {\n  ?s ?p }');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SparqlSyntaxError);
      expect((e as SparqlSyntaxError).line).toBe(2);
      expect((e as SparqlSyntaxError).column).toBeGreaterThan(0);
    }
  });

  it('rejects blank node labels shared between BGPs', () => {
    expect(() => new QueryEngine(data).prepare('SELECT * { _:a ?p ?o OPTIONAL { ?x ?y ?z } _:a ?q ?r }')).toThrow(SparqlSyntaxError);
  });

  it('parses updates separately from queries', () => {
    expect(parseUpdate('INSERT DATA { <http://a> <http://b> <http://c> }').type).toBe('update');
    expect(() => parseQuery('INSERT DATA { <http://a> <http://b> <http://c> }')).toThrow(SparqlSyntaxError);
  });

  it('throws QueryLimitError past maxRows', async () => {
    const result = await new QueryEngine(data).query('SELECT * { ?s ?p ?o }', { maxRows: 1, defaultGraphMode: 'union' });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    await expect(collectBindings(result)).rejects.toBeInstanceOf(QueryLimitError);
  });

  it('throws QueryLimitError when an operator buffers too much', async () => {
    const result = await new QueryEngine(data).query('SELECT * { ?s ?p ?o } ORDER BY ?s', {
      limits: { maxMaterializedRows: 2 },
      defaultGraphMode: 'union',
    });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    await expect(collectBindings(result)).rejects.toMatchObject({ limit: 'memory' });
  });

  it('stops on an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await new QueryEngine(data).query('SELECT * { ?s ?p ?o }', { signal: controller.signal });
    if (result.type !== 'bindings') throw new Error('expected bindings');
    await expect(collectBindings(result)).rejects.toBeInstanceOf(QueryAbortedError);
  });

  it('fails SERVICE without a handler unless SILENT', async () => {
    const engine = new QueryEngine(data);
    const loud = await engine.query('SELECT * { SERVICE <http://remote/sparql> { ?s ?p ?o } }');
    if (loud.type !== 'bindings') throw new Error('expected bindings');
    await expect(collectBindings(loud)).rejects.toBeInstanceOf(UnsupportedQueryError);
    const silent = await engine.query('SELECT * { SERVICE SILENT <http://remote/sparql> { ?s ?p ?o } }');
    if (silent.type !== 'bindings') throw new Error('expected bindings');
    expect(await collectBindings(silent)).toHaveLength(1);
  });
});
