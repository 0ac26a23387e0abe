import { afterEach, describe, expect, it } from 'vitest';
import { datasetFromTrig, slowDataset, startTestServer, type TestServer } from './testing/test-server';

const DATA = `@prefix : <http://ex/> .
:a :p 1 . :b :p 2 .
:g1 { :c :p 3 }
:g2 { :d :p 4 }`;
const SELECT = 'PREFIX : <http://ex/> SELECT ?s WHERE { ?s :p ?o } ORDER BY ?s';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(config: Parameters<typeof startTestServer>[0] = {}): Promise<string> {
  server = await startTestServer({ dataset: datasetFromTrig(DATA), ...config });
  return server.url;
}

const q = (query: string, extra = '') => `/sparql?query=${encodeURIComponent(query)}${extra}`;

interface SparqlJson {
  head: { vars: string[] };
  results: { bindings: Array<Record<string, { value: string }>> };
}

describe('SPARQL Protocol: queries', () => {
  it('GET with query= answers SPARQL JSON by default', async () => {
    const url = await start();
    const res = await fetch(url + q(SELECT));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/sparql-results+json');
    const json = (await res.json()) as SparqlJson;
    expect(json.results.bindings.map((b) => b.s!.value)).toEqual(['http://ex/a', 'http://ex/b']);
  });

  it('negotiates XML, CSV and TSV for SELECT and JSON for ASK', async () => {
    const url = await start();
    const xml = await fetch(url + q(SELECT), { headers: { accept: 'application/sparql-results+xml' } });
    expect(xml.headers.get('content-type')).toContain('application/sparql-results+xml');
    expect(await xml.text()).toContain('<uri>http://ex/a</uri>');
    const csv = await fetch(url + q(SELECT), { headers: { accept: 'text/csv' } });
    expect((await csv.text()).split(/\r?\n/)[0]).toBe('s');
    const tsv = await fetch(url + q(SELECT), { headers: { accept: 'text/tab-separated-values' } });
    expect((await tsv.text()).split('\n')[1]).toBe('<http://ex/a>');
    const ask = await fetch(url + q('ASK { ?s ?p ?o }'), { headers: { accept: 'application/json' } });
    expect(await ask.json()).toMatchObject({ boolean: true });
  });

  it('negotiates Turtle, N-Triples, N-Quads, TriG and JSON-LD for CONSTRUCT', async () => {
    const url = await start();
    const construct = q('CONSTRUCT { ?s <http://ex/q> ?o } WHERE { ?s <http://ex/p> ?o }');
    const turtle = await fetch(url + construct);
    expect(turtle.headers.get('content-type')).toContain('text/turtle');
    expect(await turtle.text()).toContain('<http://ex/q>');
    for (const type of ['application/n-triples', 'application/n-quads', 'application/trig', 'application/ld+json']) {
      const res = await fetch(url + construct, { headers: { accept: type } });
      expect(res.status, type).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
    }
    const nt = await fetch(url + q('DESCRIBE <http://ex/a>'), { headers: { accept: 'application/n-triples' } });
    expect(await nt.text()).toContain('<http://ex/a> <http://ex/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .');
  });

  it('accepts POST as a form and as application/sparql-query', async () => {
    const url = await start();
    const form = await fetch(`${url}/sparql`, { method: 'POST', body: new URLSearchParams({ query: SELECT }) });
    expect(((await form.json()) as SparqlJson).results.bindings).toHaveLength(2);
    const direct = await fetch(`${url}/sparql`, { method: 'POST', headers: { 'content-type': 'application/sparql-query; charset=utf-8' }, body: SELECT });
    expect(((await direct.json()) as SparqlJson).results.bindings).toHaveLength(2);
  });

  it('works behind the body parsers runService installs', async () => {
    const url = await start({ kitBodyParsers: true });
    const form = await fetch(`${url}/sparql`, { method: 'POST', body: new URLSearchParams({ query: SELECT }) });
    expect(((await form.json()) as SparqlJson).results.bindings).toHaveLength(2);
    const direct = await fetch(`${url}/sparql`, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: SELECT });
    expect(((await direct.json()) as SparqlJson).results.bindings).toHaveLength(2);
  });

  it('takes default-graph-uri and named-graph-uri as the dataset', async () => {
    const url = await start();
    const fromG1 = await fetch(url + q(SELECT, `&default-graph-uri=${encodeURIComponent('http://ex/g1')}`));
    expect(((await fromG1.json()) as SparqlJson).results.bindings.map((b) => b.s!.value)).toEqual(['http://ex/c']);
    const named = await fetch(`${url}/sparql`, {
      method: 'POST',
      body: new URLSearchParams([
        ['query', 'SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }'],
        ['named-graph-uri', 'http://ex/g2'],
      ]),
    });
    expect(((await named.json()) as SparqlJson).results.bindings.map((b) => b.g!.value)).toEqual(['http://ex/g2']);
    const relative = await fetch(url + q(SELECT, '&default-graph-uri=g1'));
    expect(relative.status).toBe(400);
  });

  it('serves a service description without a query', async () => {
    const url = await start();
    const res = await fetch(`${url}/sparql`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/turtle');
    const body = await res.text();
    expect(body).toContain('http://www.w3.org/ns/sparql-service-description#');
    expect(body).toContain(`<${url}/sparql>`);
    const nt = await fetch(`${url}/sparql`, { headers: { accept: 'application/n-triples' } });
    expect(await nt.text()).toContain(
      '<http://www.w3.org/ns/sparql-service-description#supportedLanguage> <http://www.w3.org/ns/sparql-service-description#SPARQL11Update>',
    );
  });

  it('answers 400 with line and column for a malformed query', async () => {
    const url = await start();
    const res = await fetch(url + q('SELECT ?s\nWHERE { ?s ?p }'));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/syntax error at line 2, column \d+: /);
  });

  it('answers 400 for a repeated query parameter, both query and update, and an update over GET', async () => {
    const url = await start();
    expect((await fetch(`${url}/sparql?query=ASK{}&query=ASK{}`)).status).toBe(400);
    const both = await fetch(`${url}/sparql`, { method: 'POST', body: new URLSearchParams({ query: 'ASK {}', update: 'CLEAR ALL' }) });
    expect(both.status).toBe(400);
    expect((await fetch(`${url}/sparql?update=CLEAR%20ALL`)).status).toBe(400);
    expect((await fetch(`${url}/sparql`, { method: 'POST', body: new URLSearchParams({ other: 'x' }) })).status).toBe(400);
  });

  it('answers 406 when no acceptable media type fits the result', async () => {
    const url = await start();
    const res = await fetch(url + q(SELECT), { headers: { accept: 'image/png' } });
    expect(res.status).toBe(406);
    expect(await res.text()).toContain('application/sparql-results+json');
    const construct = await fetch(url + q('CONSTRUCT WHERE { ?s ?p ?o }'), { headers: { accept: 'application/sparql-results+json' } });
    expect(construct.status).toBe(406);
  });

  it('answers 415 for a POST body in another media type', async () => {
    const url = await start();
    const res = await fetch(`${url}/sparql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(415);
    expect(res.headers.get('accept')).toContain('application/sparql-query');
  });

  it('answers 413 for a body or URL over the configured limit', async () => {
    const url = await start({ options: { maxRequestBytes: 200 } });
    const big = `SELECT * WHERE { ?s ?p ?o } # ${'x'.repeat(300)}`;
    expect((await fetch(`${url}/sparql`, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: big })).status).toBe(413);
    expect((await fetch(`${url}/sparql`, { method: 'POST', body: new URLSearchParams({ query: big }) })).status).toBe(413);
    expect((await fetch(url + q(big))).status).toBe(413);
    expect((await fetch(url + q(SELECT))).status).toBe(200);
  });

  it('answers 503 when the timeout parameter or the server default expires, cancelling evaluation', async () => {
    const { dataset, slow } = slowDataset(DATA, 50);
    const url = await start({ dataset, options: { defaultTimeoutMs: 60_000 } });
    const res = await fetch(url + q(SELECT, '&timeout=0.03'));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('timed out after 30 ms');
    expect(slow.aborted).toBeGreaterThan(0);
    expect((await fetch(url + q(SELECT, '&timeout=abc'))).status).toBe(400);
    await server!.close();
    const url2 = await start({ dataset, options: { defaultTimeoutMs: 30 } });
    expect((await fetch(url2 + q(SELECT))).status).toBe(503);
  });

  it('cancels evaluation when the client disconnects', async () => {
    const { dataset, slow } = slowDataset(DATA, 100);
    const url = await start({ dataset });
    const controller = new AbortController();
    const pending = fetch(url + q(SELECT), { signal: controller.signal }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await pending;
    await waitFor(() => slow.aborted > 0);
    expect(slow.aborted).toBeGreaterThan(0);
  });

  it('answers 429 when a client exceeds its concurrent requests', async () => {
    const { dataset } = slowDataset(DATA, 100);
    const url = await start({ dataset, options: { maxConcurrentPerClient: 1 } });
    const first = fetch(url + q(SELECT));
    await new Promise((r) => setTimeout(r, 30));
    const second = await fetch(url + q(SELECT));
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await first).status).toBe(200);
    expect((await fetch(url + q(SELECT))).status).toBe(200);
  });

  it('streams SELECT results as they are produced', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `<http://ex/s${i}> <http://ex/p> ${i} .`).join('\n');
    const { dataset } = slowDataset(rows, 40);
    const url = await start({ dataset, options: { queryBatchSize: 1 } });
    const started = Date.now();
    const res = await fetch(url + q('SELECT ?s WHERE { ?s <http://ex/p> ?o }'));
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - started;
    let text = new TextDecoder().decode(first.value);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
    const totalAt = Date.now() - started;
    expect(firstAt).toBeLessThan(totalAt / 2);
    expect((JSON.parse(text) as SparqlJson).results.bindings).toHaveLength(20);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
}
