import { Agent, request } from 'node:http';

/**
 * One bench client of the coordinator's SPARQL 1.1 Protocol endpoint: its own keep-alive
 * connection, from its own loopback source address when the endpoint is 127.0.0.1. The
 * coordinator caps in-flight requests per client address (QUARRY_MAX_CONCURRENT_PER_CLIENT,
 * default 8); 16 clients sharing 127.0.0.1 would be one client to it and get 429s.
 */
export class UpdateClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly url: URL;
  private readonly localAddress?: string;

  constructor(endpoint: string, client: number) {
    this.url = new URL(endpoint);
    if (this.url.hostname === '127.0.0.1' && client < 250) this.localAddress = `127.0.0.${client + 2}`;
  }

  /** POST to `path` (e.g. /update); resolves with status and body, never rejects on an HTTP error status. */
  post(path: string, contentType: string, body: string, accept = '*/*', timeoutMs = 120_000): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.url.hostname,
          port: this.url.port,
          path,
          method: 'POST',
          agent: this.agent,
          localAddress: this.localAddress,
          headers: { 'content-type': contentType, accept, 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** SPARQL Update; throws with the server's message unless it answers 2xx. */
  async update(text: string): Promise<void> {
    const res = await this.post('/update', 'application/sparql-update', text);
    if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}: ${res.body.split('\n')[0]}`);
  }

  /** SPARQL SELECT; the bindings of the JSON results. */
  async select(text: string): Promise<Record<string, { value: string }>[]> {
    const res = await this.post('/sparql', 'application/sparql-query', text, 'application/sparql-results+json');
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.split('\n')[0]}`);
    return (JSON.parse(res.body) as { results: { bindings: Record<string, { value: string }>[] } }).results.bindings;
  }

  close(): void {
    this.agent.destroy();
  }
}
