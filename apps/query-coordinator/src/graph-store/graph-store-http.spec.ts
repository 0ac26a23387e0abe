import { afterEach, describe, expect, it } from 'vitest';
import type { InMemorySparqlDataset } from '../sparql/in-memory-sparql-dataset';
import { datasetFromTrig, startTestServer, type TestServer } from '../sparql/testing/test-server';

const G = 'http://ex/g';
const graphUrl = (base: string, iri = G) => `${base}/store?graph=${encodeURIComponent(iri)}`;
const TURTLE = '@prefix : <http://ex/> . :a :p 1 . :a :p 2 .';

let server: TestServer | undefined;
let dataset: InMemorySparqlDataset;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(trig = '', config: Parameters<typeof startTestServer>[0] = {}): Promise<string> {
  dataset = datasetFromTrig(trig);
  server = await startTestServer({ dataset, ...config });
  return server.url;
}

function countIn(graph: string): number {
  return dataset.quads().filter((q) => (graph === '' ? q.graph.termType === 'DefaultGraph' : q.graph.value === graph)).length;
}

const put = (body: string, type = 'text/turtle') => ({ method: 'PUT', headers: { 'content-type': type }, body });
const post = (body: string, type = 'text/turtle') => ({ method: 'POST', headers: { 'content-type': type }, body });

describe('Graph Store HTTP Protocol', () => {
  it('PUT creates (201) then replaces (204); GET returns the graph as negotiated', async () => {
    const url = await start();
    expect((await fetch(graphUrl(url), put(TURTLE))).status).toBe(201);
    expect(countIn(G)).toBe(2);
    expect(
      (await fetch(graphUrl(url), put('<http://ex/b> <http://ex/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .', 'application/n-triples'))).status,
    ).toBe(204);
    expect(countIn(G)).toBe(1);
    const turtle = await fetch(graphUrl(url));
    expect(turtle.status).toBe(200);
    expect(turtle.headers.get('content-type')).toContain('text/turtle');
    expect(await turtle.text()).toContain('<http://ex/b>');
    const nt = await fetch(graphUrl(url), { headers: { accept: 'application/n-triples' } });
    expect((await nt.text()).trim()).toBe('<http://ex/b> <http://ex/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .');
  });

  it('POST merges into a graph; HEAD answers headers only', async () => {
    const url = await start(`<${G}> { <http://ex/a> <http://ex/p> 1 }`);
    expect((await fetch(graphUrl(url), post(TURTLE))).status).toBe(204);
    expect(countIn(G)).toBe(2);
    expect((await fetch(graphUrl(url, 'http://ex/new'), post(TURTLE))).status).toBe(201);
    const head = await fetch(graphUrl(url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toContain('text/turtle');
    expect(await head.text()).toBe('');
    expect((await fetch(graphUrl(url, 'http://ex/none'), { method: 'HEAD' })).status).toBe(404);
  });

  it('POST to the store without a graph creates one and answers 201 with Location', async () => {
    const url = await start();
    const res = await fetch(`${url}/store`, post(TURTLE));
    expect(res.status).toBe(201);
    const location = res.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${url}/store/graphs/[0-9a-f-]{36}$`));
    expect(countIn(location)).toBe(2);
    expect((await fetch(graphUrl(url, location))).status).toBe(200);
    // Direct identification: the graph's IRI is its URL.
    expect(await (await fetch(location, { headers: { accept: 'application/n-triples' } })).text()).toContain('<http://ex/a>');
    expect((await fetch(location, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(location)).status).toBe(404);
  });

  it('gives uploaded blank nodes labels of their own', async () => {
    const url = await start();
    await fetch(graphUrl(url), put('_:x <http://ex/p> 1 .'));
    await fetch(graphUrl(url), post('_:x <http://ex/p> 2 .'));
    expect(new Set(dataset.quads().map((q) => q.subject.value)).size).toBe(2);
  });

  it('DELETE removes a graph (204), then GET and DELETE answer 404', async () => {
    const url = await start(`<${G}> { <http://ex/a> <http://ex/p> 1 }`);
    expect((await fetch(graphUrl(url), { method: 'DELETE' })).status).toBe(204);
    expect(countIn(G)).toBe(0);
    const get = await fetch(graphUrl(url));
    expect(get.status).toBe(404);
    expect(await get.text()).toContain('does not exist');
    expect((await fetch(graphUrl(url), { method: 'DELETE' })).status).toBe(404);
  });

  it('addresses the default graph with ?default (it always exists)', async () => {
    const url = await start();
    const empty = await fetch(`${url}/store?default`, { headers: { accept: 'application/n-triples' } });
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
    expect((await fetch(`${url}/store?default`, put(TURTLE))).status).toBe(204);
    expect(countIn('')).toBe(2);
    expect((await fetch(`${url}/store?default`, { method: 'DELETE' })).status).toBe(204);
    expect(countIn('')).toBe(0);
  });

  it('puts quads from N-Quads and TriG bodies into the addressed graph', async () => {
    const url = await start();
    const nq = '<http://ex/a> <http://ex/p> <http://ex/o> <http://ex/other> .\n<http://ex/b> <http://ex/p> <http://ex/o> .';
    expect((await fetch(graphUrl(url), put(nq, 'application/n-quads'))).status).toBe(201);
    expect(countIn(G)).toBe(2);
    expect((await fetch(graphUrl(url), post('<http://ex/x> { <http://ex/c> <http://ex/p> 1 }', 'application/trig'))).status).toBe(204);
    expect(countIn(G)).toBe(3);
  });

  it('works behind the body parsers runService installs', async () => {
    const url = await start('', { kitBodyParsers: true });
    expect((await fetch(graphUrl(url), put(TURTLE))).status).toBe(201);
    expect(countIn(G)).toBe(2);
  });

  it('answers 400 with the parser message and line for malformed RDF', async () => {
    const url = await start();
    const res = await fetch(graphUrl(url), put('<http://ex/a> <http://ex/p> 1 .\n<http://ex/a> <http://ex/p> .'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/malformed RDF at line 2: Expected entity/);
    expect(countIn(G)).toBe(0);
  });

  it('answers 415 for unsupported media types, 400 for bad targets, 406 and 413', async () => {
    const url = await start(`<${G}> { <http://ex/a> <http://ex/p> 1 }`, { options: { maxUploadBytes: 100 } });
    expect((await fetch(graphUrl(url), put('{}', 'application/ld+json'))).status).toBe(415);
    expect((await fetch(graphUrl(url), put('<x/>', 'application/rdf+xml'))).status).toBe(415);
    expect((await fetch(`${url}/store`)).status).toBe(400);
    expect((await fetch(`${url}/store?graph=relative`)).status).toBe(400);
    expect((await fetch(`${url}/store?default&graph=${encodeURIComponent(G)}`)).status).toBe(400);
    expect((await fetch(graphUrl(url), { headers: { accept: 'application/sparql-results+json' } })).status).toBe(406);
    expect((await fetch(graphUrl(url), put(`# ${'x'.repeat(200)}`))).status).toBe(413);
  });
});
