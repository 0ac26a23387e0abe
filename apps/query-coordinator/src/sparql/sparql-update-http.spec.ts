import { afterEach, describe, expect, it } from 'vitest';
import { factory, termKey } from '@quarry/sparql';
import type { InMemorySparqlDataset } from './in-memory-sparql-dataset';
import { datasetFromTrig, slowDataset, startTestServer, type TestServer } from './testing/test-server';

const DATA = `@prefix : <http://ex/> .
:a :p 1 .
:g1 { :c :p 3 }`;

let server: TestServer | undefined;
let dataset: InMemorySparqlDataset;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(config: Parameters<typeof startTestServer>[0] = {}): Promise<string> {
  dataset = datasetFromTrig(DATA);
  server = await startTestServer({ dataset, ...config });
  return server.url;
}

function stored(): string[] {
  return dataset
    .quads()
    .map((q) => `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)} ${termKey(q.graph)}`.replaceAll('http://ex/', ''))
    .sort();
}

const form = (fields: Array<[string, string]>) => ({ method: 'POST', body: new URLSearchParams(fields) });

describe('SPARQL Protocol: updates', () => {
  it('POST /update with a form runs the update and answers 204', async () => {
    const url = await start();
    const res = await fetch(`${url}/update`, form([['update', 'PREFIX : <http://ex/> INSERT DATA { :b :p 2 }']]));
    expect(res.status).toBe(204);
    expect(stored()).toContain('<b> <p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <<default>>');
  });

  it('POST /update with application/sparql-update, and updates through /sparql', async () => {
    const url = await start();
    const direct = await fetch(`${url}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'CLEAR DEFAULT' });
    expect(direct.status).toBe(204);
    expect(stored()).toEqual(['<c> <p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> <g1>']);
    expect((await fetch(`${url}/sparql`, form([['update', 'DROP ALL']]))).status).toBe(204);
    expect(stored()).toEqual([]);
  });

  it('works behind the body parsers runService installs', async () => {
    const url = await start({ kitBodyParsers: true });
    expect((await fetch(`${url}/update`, form([['update', 'CLEAR GRAPH <http://ex/g1>']]))).status).toBe(204);
    expect((await fetch(`${url}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'CLEAR DEFAULT' })).status).toBe(
      204,
    );
    expect(stored()).toEqual([]);
  });

  it('takes using-graph-uri / using-named-graph-uri, but not together with USING or WITH', async () => {
    const url = await start();
    const insert = 'PREFIX : <http://ex/> INSERT { ?s :copied true } WHERE { ?s :p ?o }';
    expect(
      (
        await fetch(
          `${url}/update`,
          form([
            ['update', insert],
            ['using-graph-uri', 'http://ex/g1'],
          ]),
        )
      ).status,
    ).toBe(204);
    expect(stored()).toContain('<c> <copied> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> <<default>>');
    const named = 'PREFIX : <http://ex/> INSERT { ?s :in ?g } WHERE { GRAPH ?g { ?s :p ?o } }';
    const direct = await fetch(`${url}/update?using-named-graph-uri=${encodeURIComponent('http://ex/g1')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: named,
    });
    expect(direct.status).toBe(204);
    expect(stored()).toContain('<c> <in> <g1> <<default>>');
    const conflict = await fetch(
      `${url}/update`,
      form([
        ['update', `WITH <http://ex/g1> ${insert.replace('PREFIX : <http://ex/> ', '')}`],
        ['using-graph-uri', 'http://ex/g1'],
      ]),
    );
    expect(conflict.status).toBe(400);
  });

  it('answers 400 with line and column for a malformed update, and 500 for a valid one that fails', async () => {
    const url = await start();
    const bad = await fetch(`${url}/update`, form([['update', 'INSERT DATA {\n <a> <b> }']]));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/syntax error at line 2/);
    const missing = await fetch(`${url}/update`, form([['update', 'DROP GRAPH <http://ex/none>']]));
    expect(missing.status).toBe(500);
    expect(await missing.text()).toContain('does not exist');
    const query = await fetch(`${url}/update`, form([['update', 'SELECT * {}']]));
    expect(query.status).toBe(400);
  });

  it('applies a request atomically: a failing later operation leaves the store unchanged', async () => {
    const url = await start();
    const before = stored();
    const res = await fetch(`${url}/update`, form([['update', 'PREFIX : <http://ex/> INSERT DATA { :x :p 9 } ; DROP GRAPH :none']]));
    expect(res.status).toBe(500);
    expect(stored()).toEqual(before);
  });

  it('answers 400 without an update, 415 for other media types and 413 over the limit', async () => {
    const url = await start({ options: { maxRequestBytes: 100 } });
    expect((await fetch(`${url}/update`, form([['query', 'ASK {}']]))).status).toBe(400);
    expect((await fetch(`${url}/update`, form([]))).status).toBe(400);
    const wrong = await fetch(`${url}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: 'ASK {}' });
    expect(wrong.status).toBe(415);
    const big = await fetch(`${url}/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: `CLEAR ALL # ${'x'.repeat(200)}`,
    });
    expect(big.status).toBe(413);
  });

  it('runs LOAD through the configured loader', async () => {
    const loader = async function* (iri: string) {
      yield factory.quad(factory.namedNode(iri), factory.namedNode('http://ex/loaded'), factory.literal('yes'));
    };
    const url = await start({ options: { loader } });
    expect((await fetch(`${url}/update`, form([['update', 'LOAD <http://doc/x> INTO GRAPH <http://ex/g2>']]))).status).toBe(204);
    expect(stored()).toContain('<http://doc/x> <loaded> "yes" <g2>');
    expect((await fetch(`${url}/update`, form([['update', 'LOAD <http://doc/x>']]))).status).toBe(204);
  });

  it('answers 503 when an update times out, and commits nothing', async () => {
    const { dataset: slow } = slowDataset(DATA, 50);
    server = await startTestServer({ dataset: slow });
    const res = await fetch(`${server.url}/update?timeout=0.02`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: 'DELETE WHERE { ?s ?p ?o }',
    });
    expect(res.status).toBe(503);
    const check = await fetch(`${server.url}/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`);
    expect(await check.json()).toMatchObject({ boolean: true });
  });
});
