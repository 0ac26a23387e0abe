import { afterEach, describe, expect, it } from 'vitest';
import type { BulkBodyLoader, BulkBodyRequest } from '../sparql/sparql-http-options';
import { datasetFromTrig, startTestServer, type TestServer } from '../sparql/testing/test-server';

/** Records what it is asked to load and answers with a chosen outcome. */
class RecordingLoader implements BulkBodyLoader {
  readonly calls: BulkBodyRequest[] = [];
  constructor(
    readonly minBytes: number,
    private readonly state = 'completed',
  ) {}
  async load(req: BulkBodyRequest) {
    this.calls.push(req);
    return { id: `saga-${this.calls.length}`, state: this.state, quadsDone: 7, error: this.state === 'completed' ? undefined : 'store unreachable' };
  }
}

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const G = 'http://ex/g';
const post = (url: string, body: string, type = 'application/n-triples') =>
  fetch(`${url}/store?graph=${encodeURIComponent(G)}`, { method: 'POST', headers: { 'content-type': type }, body });
const lines = (n: number) => Array.from({ length: n }, (_, i) => `<http://ex/s${i}> <http://ex/p> "${i}" .`).join('\n') + '\n';

describe('Graph Store POST over the saga threshold', () => {
  it('small bodies are one commit, large ones go to the saga loader with their graph and media type', async () => {
    const dataset = datasetFromTrig('');
    const loader = new RecordingLoader(2000);
    server = await startTestServer({ dataset, options: { bulkLoader: loader } });
    const small = await post(server.url, lines(3));
    expect(small.status).toBe(201);
    expect(small.headers.get('quarry-saga')).toBeNull();
    expect(dataset.quads()).toHaveLength(3);
    expect(loader.calls).toHaveLength(0);

    const big = await post(server.url, lines(100));
    expect(big.status).toBe(204); // the graph exists already
    expect(big.headers.get('quarry-saga')).toBe('saga-1');
    expect(loader.calls[0]).toMatchObject({ mediaType: 'application/n-triples', graph: G, label: `POST /store?graph=${encodeURIComponent(G)}` });
    expect(loader.calls[0].body.toString('utf8')).toBe(lines(100));
    expect(dataset.quads()).toHaveLength(3); // written by the saga, not by the request
  });

  it('a malformed large body is refused before any saga starts; a paused saga is a 500 naming it', async () => {
    const loader = new RecordingLoader(100, 'paused');
    server = await startTestServer({ dataset: datasetFromTrig(''), options: { bulkLoader: loader } });
    const bad = await post(server.url, `${lines(10)}<broken\n`);
    expect(bad.status).toBe(400);
    expect(loader.calls).toHaveLength(0);
    const paused = await post(server.url, lines(10));
    expect(paused.status).toBe(500);
    expect(await paused.text()).toMatch(/saga saga-1 paused after 7 quads: store unreachable/);
  });
});
