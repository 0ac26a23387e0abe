import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestSparqlEndpoint } from '../../../../test/support/sparql-endpoint';
import { collectBindings } from '../engine/query-result';
import { QueryEngine } from '../engine/query-engine';
import { factory, namedNode, literal } from '../rdf/terms';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';
import { httpServiceHandler, ServiceCallError, type HttpServiceOptions } from './http-service-handler';

const ex = (s: string) => namedNode(`http://ex/${s}`);
const q = (s: string, p: string, o: ReturnType<typeof ex> | ReturnType<typeof literal>) => factory.quad(ex(s), ex(p), o);

describe('SERVICE over HTTP (SPARQL 1.1 Federated Query)', () => {
  const remote = new TestSparqlEndpoint([q('alice', 'name', literal('Alice')), q('bob', 'name', literal('Bob')), q('carol', 'name', literal('Carol'))]);
  let silentServer: Server;
  let silentUrl = '';
  let url = '';
  const local = new InMemoryQuadSource();
  local.addAll([q('alice', 'knows', ex('bob')), q('bob', 'knows', ex('dave'))]);
  const engineWith = (opts: Partial<HttpServiceOptions> = {}) =>
    new QueryEngine(local, { serviceHandler: httpServiceHandler({ allow: '*', timeoutMs: 5000, maxResponseBytes: 1 << 20, ...opts }) });
  const rows = async (engine: QueryEngine, text: string) => {
    const r = await engine.query(text);
    if (r.type !== 'bindings') throw new Error('expected bindings');
    return (await collectBindings(r)).map((b) => Object.fromEntries([...b].map(([k, v]) => [k, v.value])));
  };

  beforeAll(async () => {
    url = await remote.start();
    silentServer = createServer(() => undefined); // accepts and never answers
    await new Promise<void>((r) => silentServer.listen(0, '127.0.0.1', r));
    silentUrl = `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}/sparql`;
  });
  afterAll(async () => {
    await remote.stop();
    silentServer.closeAllConnections();
    await new Promise((r) => silentServer.close(r));
  });

  it('joins local solutions with the remote endpoint', async () => {
    const got = await rows(engineWith(), `SELECT ?a ?name { ?a <http://ex/knows> ?b SERVICE <${url}> { ?b <http://ex/name> ?name } } ORDER BY ?a`);
    expect(got).toEqual([{ a: 'http://ex/alice', name: 'Bob' }]);
    expect(remote.requests.at(-1)).toContain('<http://ex/name>');
  });

  it('sends the solution it evaluates for as VALUES (a SERVICE endpoint chosen by a variable)', async () => {
    local.add(factory.quad(ex('alice'), ex('endpoint'), namedNode(url)));
    const got = await rows(engineWith(), `SELECT ?name { ?a <http://ex/endpoint> ?svc SERVICE ?svc { ?a <http://ex/name> ?name } }`);
    expect(got).toEqual([{ name: 'Alice' }]);
    expect(remote.requests.at(-1)).toMatch(/VALUES \(\?a\) \{ \(<http:\/\/ex\/alice>\) \}/);
  });

  it('refuses endpoints outside the allow list; SILENT turns the failure into one empty solution', async () => {
    const engine = engineWith({ allow: ['http://allowed.example/'] });
    await expect(rows(engine, `SELECT * { SERVICE <${url}> { ?s ?p ?o } }`)).rejects.toThrow(/not allowed/);
    expect(await rows(engine, `SELECT * { SERVICE SILENT <${url}> { ?s ?p ?o } }`)).toEqual([{}]);
  });

  it('reports the endpoint status and message when it rejects the query, and refuses non-JSON answers', async () => {
    const answering = (status: number, type: string, body: string) => {
      const server = createServer((_req, res) => res.writeHead(status, { 'content-type': type }).end(body));
      return new Promise<{ server: Server; url: string }>((r) =>
        server.listen(0, '127.0.0.1', () => r({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql` })),
      );
    };
    const rejecting = await answering(400, 'text/plain', 'Parse error at line 1');
    const html = await answering(200, 'text/html', '<html></html>');
    try {
      const err = await rows(engineWith(), `SELECT * { SERVICE <${rejecting.url}> { ?s ?p ?o } }`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServiceCallError);
      expect((err as ServiceCallError).status).toBe(400);
      expect((err as Error).message).toContain('answered 400: Parse error at line 1');
      await expect(rows(engineWith(), `SELECT * { SERVICE <${html.url}> { ?s ?p ?o } }`)).rejects.toThrow(/expected SPARQL JSON results, got text\/html/);
    } finally {
      rejecting.server.close();
      html.server.close();
    }
  });

  it('gives up on a silent endpoint after the timeout', async () => {
    const t0 = Date.now();
    await expect(rows(engineWith({ timeoutMs: 300 }), `SELECT * { SERVICE <${silentUrl}> { ?s ?p ?o } }`)).rejects.toThrow(/no answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('refuses an answer over the size limit and an unreachable endpoint, with clear messages', async () => {
    await expect(rows(engineWith({ maxResponseBytes: 50 }), `SELECT * { SERVICE <${url}> { ?s ?p ?o } }`)).rejects.toThrow(/over the 50-byte limit/);
    await expect(rows(engineWith(), `SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }`)).rejects.toThrow(/cannot reach the endpoint/);
  });

  it('keeps blank nodes of different answers apart', async () => {
    const bn = new TestSparqlEndpoint([factory.quad(factory.blankNode('x'), ex('p'), literal('1'))]);
    const bnUrl = await bn.start();
    try {
      const got = await rows(engineWith(), `SELECT ?a ?b { SERVICE <${bnUrl}> { ?a ?p ?o } SERVICE <${bnUrl}> { ?b ?p ?o } }`);
      expect(got).toHaveLength(1);
      expect(got[0].a).not.toBe(got[0].b);
    } finally {
      await bn.stop();
    }
  });
});
