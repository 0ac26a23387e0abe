import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase } from '@quarry/control-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../tools/cli/src/dev/cluster-state';
import { factory } from '@quarry/sparql';
import { eventually, freePort, runCli, tempDir, uniqueCluster } from '../support/processes';
import { TestSparqlEndpoint } from '../support/sparql-endpoint';

interface SparqlJson {
  results: { bindings: Record<string, { value: string }>[] };
}

/** The whole path: CLI loader → stores (Raft, LMDB) → coordinator SPARQL over NATS. */
describe('SPARQL over a 3-store cluster', () => {
  const dir = tempDir('sparql');
  const cluster = uniqueCluster('e2e-sparql');
  const args = ['--data-dir', dir.path];
  let endpoint = '';
  let state: ClusterState;

  const select = async (query: string): Promise<SparqlJson['results']['bindings']> => {
    const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' }, body: query });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as SparqlJson).results.bindings;
  };

  beforeAll(async () => {
    const port = await freePort();
    const up = await runCli(['dev', 'up', '--cluster', cluster, '--http-port', String(port), ...args], { timeoutMs: 120_000 });
    expect(up.code, up.stderr + up.stdout).toBe(0);
    endpoint = `http://127.0.0.1:${port}/sparql`;
    state = JSON.parse(readFileSync(join(dir.path, 'cluster.json'), 'utf8')) as ClusterState;
  });

  afterAll(async () => {
    await runCli(['dev', 'down', '--purge', ...args], { timeoutMs: 60_000 });
    await dropDatabase(`postgres://postgres@127.0.0.1:5432/quarry_${cluster.replace(/-/g, '_')}`).catch(() => undefined);
    dir.remove();
  });

  it('loads a file with quarry load and answers joins across regions', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(`<http://ex.org/person/${i}> <http://ex.org/name> "Person ${i}" .`);
      lines.push(`<http://ex.org/person/${i}> <http://ex.org/knows> <http://ex.org/person/${(i + 1) % 300}> .`);
      if (i % 3 === 0) lines.push(`<http://ex.org/person/${i}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex.org/Admin> .`);
    }
    const file = join(dir.path, 'people.nt');
    writeFileSync(file, lines.join('\n') + '\n');
    const load = await runCli(['load', file, ...args], { timeoutMs: 60_000 });
    expect(load.code, load.stderr).toBe(0);
    expect(load.stdout.trim()).toBe(String(lines.length));

    const count = await select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
    expect(count[0].n.value).toBe(String(lines.length));
    // counted per group on the storage nodes, partial counts summed across regions
    const perPredicate = await select('SELECT ?p (COUNT(?s) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p');
    expect(perPredicate.map((b) => `${b.p.value} ${b.n.value}`)).toEqual([
      'http://ex.org/knows 300',
      'http://ex.org/name 300',
      'http://www.w3.org/1999/02/22-rdf-syntax-ns#type 100',
    ]);
    // a join whose two sides live in different regions (subjects hash apart)
    const friends = await select('SELECT ?name WHERE { <http://ex.org/person/7> <http://ex.org/knows> ?f . ?f <http://ex.org/name> ?name }');
    expect(friends.map((b) => b.name.value)).toEqual(['Person 8']);
    const admins = await select('SELECT (COUNT(?a) AS ?n) WHERE { ?a a <http://ex.org/Admin> ; <http://ex.org/knows> ?b . ?b <http://ex.org/name> ?bn }');
    expect(admins[0].n.value).toBe('100');
    // every region has a leader and its replicas agree quad for quad
    const status = await runCli(['status', '--json', ...args]);
    expect((JSON.parse(status.stdout) as { healthy: number }).healthy).toBe(9);
  });

  it('updates through /update and reads its own write', async () => {
    const res = await fetch(endpoint.replace(/sparql$/, 'update'), {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: 'DELETE { ?p <http://ex.org/name> ?n } INSERT { ?p <http://ex.org/name> "renamed" } WHERE { ?p <http://ex.org/name> ?n FILTER(?p = <http://ex.org/person/5>) }',
    });
    expect(res.status).toBe(204);
    const names = await select('SELECT ?n WHERE { <http://ex.org/person/5> <http://ex.org/name> ?n }');
    expect(names.map((b) => b.n.value)).toEqual(['renamed']);
  });

  it('federates with a second endpoint through SERVICE', async () => {
    const ex = (s: string) => factory.namedNode(`http://ex.org/${s}`);
    const remote = new TestSparqlEndpoint([
      factory.quad(ex('person/7'), ex('email'), factory.literal('p7@ex.org')),
      factory.quad(ex('person/9'), ex('email'), factory.literal('p9@ex.org')),
      factory.quad(ex('nobody'), ex('email'), factory.literal('nobody@ex.org')),
    ]);
    const url = await remote.start();
    try {
      const rows = await select(`SELECT ?name ?mail WHERE { ?p <http://ex.org/name> ?name SERVICE <${url}> { ?p <http://ex.org/email> ?mail } } ORDER BY ?mail`);
      expect(rows.map((b) => [b.name.value, b.mail.value])).toEqual([
        ['Person 7', 'p7@ex.org'],
        ['Person 9', 'p9@ex.org'],
      ]);
      expect(remote.requests.length).toBeGreaterThan(0);
      // an endpoint that is down: 502 naming it; with SILENT the local part still answers
      const down = `http://127.0.0.1:${await freePort()}/sparql`;
      const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: `SELECT * { SERVICE <${down}> { ?s ?p ?o } }` });
      expect(res.status).toBe(502);
      expect(await res.text()).toContain(`SERVICE <${down}>: cannot reach the endpoint`);
      const silent = await select(`SELECT ?name WHERE { <http://ex.org/person/7> <http://ex.org/name> ?name OPTIONAL { SERVICE SILENT <${down}> { ?x ?y ?z } } }`);
      expect(silent.map((b) => b.name.value)).toEqual(['Person 7']);
    } finally {
      await remote.stop();
    }
  });

  it('keeps answering after a storage node is killed (3 replicas per region)', async () => {
    const victim = state.processes.find((p) => p.name === 'store-1')!;
    process.kill(victim.pid, 'SIGKILL');
    const count = await eventually(async () => {
      const b = await select('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }');
      return b[0]?.n.value;
    }, 30_000, 500);
    expect(count).toBe('700'); // 300 names + 300 knows + 100 types
  });

  it('rejects a malformed query with 400 and the parser position', async () => {
    const res = await fetch(`${endpoint}?query=${encodeURIComponent('SELECT * WHERE { ?s ?p }')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/line 1/);
  });
});
