import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryQuadSource, QueryEngine, serializeResult, type Quad, type ServiceHandler } from '@quarry/sparql';

/**
 * A second SPARQL endpoint for federation tests: the SPARQL 1.1 Protocol (query by GET or
 * urlencoded POST) over an in-memory store, answering SPARQL JSON, on a free loopback port.
 */
export class TestSparqlEndpoint {
  readonly requests: string[] = [];
  private server?: Server;
  url = '';

  constructor(
    quads: Iterable<Quad>,
    private readonly serviceHandler?: ServiceHandler,
  ) {
    this.source = new InMemoryQuadSource();
    this.source.addAll([...quads]);
  }

  private readonly source: InMemoryQuadSource;

  async start(): Promise<string> {
    const engine = new QueryEngine(this.source, { serviceHandler: this.serviceHandler });
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const params = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString()) : new URL(req.url ?? '/', 'http://x').searchParams;
        const query = params.get('query') ?? '';
        this.requests.push(query);
        void (async () => {
          try {
            const result = await engine.query(query);
            res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
            for await (const chunk of serializeResult(result, 'application/sparql-results+json')) res.write(chunk);
            res.end();
          } catch (e) {
            res.writeHead(400, { 'content-type': 'text/plain' });
            res.end((e as Error).message);
          }
        })();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/sparql`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
