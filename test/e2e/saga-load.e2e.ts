import { create } from '@bufbuild/protobuf';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { QuadPatternSchema } from '@quarry/proto';
import { createControlDataSource, ensureDatabase, runMigrations, type LoadSaga } from '@quarry/control-db';
import { literal, namedNode, parseString, quad, quadToLine } from '@quarry/rdf';
import { SagaRepository } from '@quarry/saga';
import { scanHashRange } from '@quarry/store-client';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, eventually, repoRoot, runCli, tempDir } from '../support/processes';
import { TestCluster } from '../support/test-cluster';

const LUBM = resolve(repoRoot, '..', 'shared', 'data', 'lubm', 'lubm1.nt.gz');

/**
 * Bulk loads as sagas against a real cluster (3 stores, 3 regions), real NATS and PostgreSQL:
 * the CLI running a saga is killed with SIGKILL halfway and `quarry load --resume` finishes it
 * with every quad of the file stored exactly once; an aborted saga (killed, or asked to stop
 * while running) leaves a digest of all quads exactly as it was before it began.
 */
// Generous: each test loads and scans the whole store several times on a shared 2-core machine.
describe('bulk-load sagas', { timeout: 300_000 }, () => {
  const tc = new TestCluster({ stores: 3, regions: 3 });
  const dir = tempDir('saga-e2e');
  const pgAdmin = process.env.QUARRY_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `quarry_saga_e2e_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  const pgUrl = pgAdmin.replace(/\/[^/]*$/, `/${dbName}`);
  let db: DataSource;
  let repo: SagaRepository;
  const args = (): string[] => ['--cluster', tc.cluster, '--data-dir', dir.path, '--pg-url', pgUrl];
  const cli = (a: string[]) => runCli([...a, ...args()], { timeoutMs: 240_000 });

  beforeAll(async () => {
    await ensureDatabase(pgUrl);
    db = createControlDataSource(pgUrl);
    await db.initialize();
    await runMigrations(db);
    repo = new SagaRepository(db);
    await tc.start();
    await tc.waitForRegions(60_000);
  });

  afterAll(async () => {
    await tc.stop();
    await db?.destroy();
    const admin = new DataSource({ type: 'postgres', url: pgAdmin });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.destroy();
    dir.remove();
  });

  /** Every quad in the cluster at one fresh timestamp, as sorted N-Quads lines. */
  const allQuads = async (): Promise<string[]> => {
    const readTs = await tc.consensus.timestamp();
    const lines: string[] = [];
    for await (const page of scanHashRange(tc.stores, { startHash: 0n, endHash: 0n }, { pattern: create(QuadPatternSchema, {}), readTs, limit: 1000 }))
      lines.push(...page.map((q) => quadToLine(q, 'N-Quads').trimEnd()));
    return lines.sort();
  };
  const digest = async (): Promise<{ count: number; sha256: string }> => {
    const lines = await allQuads();
    return { count: lines.length, sha256: createHash('sha256').update(lines.join('\n')).digest('hex') };
  };

  /** Starts `quarry load` as a child process, so the test can SIGKILL it by its pid. */
  const startLoad = (file: string, extra: string[]) => {
    const child = spawn(process.execPath, [cliPath, 'load', file, ...extra, ...args()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    return { child, exited, output: () => output };
  };

  /** The newest saga once it recorded at least `chunks` chunks. */
  const sagaAfter = (known: Set<string>, chunks: number, output: () => string): Promise<LoadSaga> =>
    eventually(
      async () => {
        const s = (await repo.list(tc.cluster, 20)).find((x) => !known.has(x.id));
        if (!s && /quarry:/.test(output())) throw new Error(output());
        return s && s.chunksDone >= chunks ? s : undefined;
      },
      120_000,
      20,
    );

  const knownSagas = async (): Promise<Set<string>> => new Set((await repo.list(tc.cluster, 1000)).map((s) => s.id));

  it('a saga killed with SIGKILL halfway resumes to completion: the file is stored exactly once', async () => {
    const fileQuads = [
      ...new Set(parseString(gunzipSync(readFileSync(LUBM)).toString('utf8'), { format: 'N-Triples' }).map((q) => quadToLine(q, 'N-Quads').trimEnd())),
    ].sort();
    expect(fileQuads.length).toBeGreaterThan(50_000);
    const known = await knownSagas();
    const run = startLoad(LUBM, ['--chunk-quads', '2000']);
    const halfway = await sagaAfter(known, 12, run.output);
    run.child.kill('SIGKILL');
    await run.exited;
    const killed = await repo.get(halfway.id);
    expect(killed.state).toBe('running'); // nobody recorded the death: the owner just stopped
    expect(killed.chunksDone).toBeLessThan(Math.ceil(fileQuads.length / 2000));

    const listed = await cli(['jobs', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const jobs = JSON.parse(listed.stdout) as { sagas: { id: string; state: string; ownerAlive: boolean; chunksDone: number }[] };
    expect(jobs.sagas.find((s) => s.id === killed.id)).toMatchObject({ state: 'running', ownerAlive: false, chunksDone: killed.chunksDone });

    const resumed = await cli(['load', '--resume', killed.id]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = await repo.get(killed.id);
    expect(done).toMatchObject({ state: 'completed', chunksTotal: Math.ceil(done.quadsDone / 2000), owner: null });
    // every chunk counted once: the recorded total is the file's quad count (lubm1 has no duplicates)
    expect(done.quadsDone).toBe(fileQuads.length);
    expect(resumed.stdout.trim()).toBe(String(fileQuads.length));
    // and the store holds exactly the file's quads, each once
    expect(await allQuads()).toEqual(fileQuads);
  });

  /** A file overlapping what is stored: 300 lubm quads already there, plus new ones (named graph, blank nodes). */
  const overlappingFile = (name: string, tag: string): string => {
    const lubm = gunzipSync(readFileSync(LUBM)).toString('utf8').split('\n').filter(Boolean);
    const lines = lubm.slice(1000, 1300);
    for (let i = 0; i < 6000; i++) lines.push(`<http://ex.org/${tag}/s${i}> <http://ex.org/p> "${i}" ${i % 3 === 0 ? `<http://ex.org/g/${tag}> ` : ''}.`);
    for (let i = 0; i < 200; i++) lines.push(`_:b${i} <http://ex.org/p> <http://ex.org/${tag}/s${i}> .`);
    const file = join(dir.path, name);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  };

  /** Quads written directly before the saga: some of the file's new quads among them. */
  const preload = async (tag: string): Promise<void> => {
    const extra = Array.from({ length: 400 }, (_, i) =>
      quad(namedNode(`http://ex.org/${tag}/s${i * 7}`), namedNode('http://ex.org/p'), literal(String(i * 7))),
    );
    extra.push(quad(namedNode('http://ex.org/unrelated'), namedNode('http://ex.org/p'), literal(tag)));
    await tc.writer.write(await tc.consensus.timestamp(), extra);
  };

  it('aborting a saga killed halfway leaves every quad as it was before (digest of all quads)', async () => {
    await preload('k');
    const file = overlappingFile('overlap-k.nq', 'k');
    const before = await digest();
    const known = await knownSagas();
    const run = startLoad(file, ['--chunk-quads', '300', '--format', 'nq']);
    const halfway = await sagaAfter(known, 8, run.output);
    run.child.kill('SIGKILL');
    await run.exited;
    const during = await digest();
    expect(during.count).toBeGreaterThan(before.count);

    const aborted = await cli(['load', '--abort', halfway.id]);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.stdout.trim()).toBe('aborted');
    const row = await repo.get(halfway.id);
    expect(row.state).toBe('aborted');
    expect(row.chunksCompensated).toBeGreaterThanOrEqual(row.chunksDone);
    expect(await digest()).toEqual(before);
    // an aborted saga cannot be resumed
    const again = await cli(['load', '--resume', halfway.id]);
    expect(again.code).toBe(64);
    expect(again.stderr).toMatch(/aborted/);
  });

  it('an abort asked while another process runs the saga stops it, then compensates', async () => {
    await preload('a');
    const file = overlappingFile('overlap-a.nq', 'a');
    const before = await digest();
    const known = await knownSagas();
    const run = startLoad(file, ['--chunk-quads', '200', '--format', 'nq']);
    const running = await sagaAfter(known, 3, run.output);
    const aborted = await cli(['load', '--abort', running.id]);
    expect(aborted.code, aborted.stderr).toBe(0);
    // the loader saw the request at its next chunk, released the saga and exited non-zero
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/abort requested/);
    expect(await digest()).toEqual(before);
    const jobs = await cli(['jobs']);
    expect(jobs.stdout).toMatch(new RegExp(`${running.id}\\s+overlap-a.nq\\s+aborted`));
  });

  it('a Graph Store POST over QUARRY_SAGA_MIN_BYTES runs as a saga that another coordinator finishes after a SIGKILL', async () => {
    const env = {
      QUARRY_PG_URL: pgUrl,
      QUARRY_SAGA_MIN_BYTES: '65536',
      QUARRY_SAGA_CHUNK_QUADS: '500',
      QUARRY_SAGA_OWNER_TIMEOUT_MS: '2000',
      QUARRY_LOAD_DIR: dir.path,
    };
    const graph = 'http://ex.org/g/posted';
    const body = Array.from({ length: 15_000 }, (_, i) => `<http://ex.org/posted/s${i}> <http://ex.org/p> "${i}" .`).join('\n') + '\n';
    const expected = parseString(body, { format: 'N-Triples' })
      .map((q) => quadToLine(quad(q.subject, q.predicate, q.object, namedNode(graph)), 'N-Quads').trimEnd())
      .sort();
    const inGraph = async (g: string): Promise<string[]> => (await allQuads()).filter((l) => l.endsWith(`<${g}> .`));

    const first = await tc.startProcess('coord-1', 'query-coordinator', env, '/ready');
    const known = await knownSagas();
    const url = (port: number, g: string) => `http://127.0.0.1:${port}/store?graph=${encodeURIComponent(g)}`;
    const posting = fetch(url(tc.ports.get('coord-1')!, graph), { method: 'POST', headers: { 'content-type': 'application/n-triples' }, body }).then(
      (r) => r.status,
      () => 'connection lost',
    );
    const halfway = await sagaAfter(known, 8, () => first.output);
    expect(halfway.label).toBe(`POST /store?graph=${encodeURIComponent(graph)}`);
    await first.stop('SIGKILL');
    expect(await posting).toBe('connection lost');
    const stopped = await repo.get(halfway.id);
    expect(stopped.state).toBe('running');
    expect(stopped.chunksDone).toBeLessThan(30);

    // A new coordinator finds the saga whose owner went silent and finishes it.
    await tc.startProcess('coord-2', 'query-coordinator', env, '/ready');
    const done = await eventually(async () => {
      const r = await repo.get(halfway.id);
      return r.state === 'completed' ? r : undefined;
    }, 120_000);
    expect(done.quadsDone).toBe(15_000);
    expect(done.owner).toBeNull();
    expect(await inGraph(graph)).toEqual(expected);

    // Straight through, the POST answers 201 (a new graph) naming its saga; small bodies stay one commit.
    const other = 'http://ex.org/g/posted-2';
    const res = await fetch(url(tc.ports.get('coord-2')!, other), { method: 'POST', headers: { 'content-type': 'application/n-triples' }, body });
    expect(res.status).toBe(201);
    const sagaId = res.headers.get('quarry-saga');
    expect((await repo.get(sagaId!)).state).toBe('completed');
    expect((await inGraph(other)).length).toBe(15_000);
    const small = await fetch(url(tc.ports.get('coord-2')!, 'http://ex.org/g/small'), {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: '<http://ex.org/a> <http://ex.org/b> "c" .\n',
    });
    expect(small.status).toBe(201);
    expect(small.headers.get('quarry-saga')).toBeNull();
    // malformed large bodies are refused before anything is written
    const bad = await fetch(url(tc.ports.get('coord-2')!, 'http://ex.org/g/bad'), {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: `${body}<broken\n`,
    });
    expect(bad.status).toBe(400);
    expect(await inGraph('http://ex.org/g/bad')).toEqual([]);

    // SPARQL LOAD of a large local file runs as a saga too; a small one stays in the update's transaction.
    const big = join(dir.path, 'to-load.nt');
    writeFileSync(big, body);
    const update = (text: string) =>
      fetch(`http://127.0.0.1:${tc.ports.get('coord-2')!}/update`, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: text });
    const loaded = await update(`LOAD <file://${big}> INTO GRAPH <http://ex.org/g/loaded>`);
    expect(loaded.status, await loaded.clone().text()).toBe(204);
    const loadSaga = await repo.get(loaded.headers.get('quarry-saga')!);
    expect(loadSaga).toMatchObject({ label: `LOAD <file://${big}>`, state: 'completed', quadsDone: 15_000 });
    expect((await inGraph('http://ex.org/g/loaded')).length).toBe(15_000);
    const smallFile = join(dir.path, 'small.nt');
    writeFileSync(smallFile, '<http://ex.org/x> <http://ex.org/y> "z" .\n');
    const direct = await update(`LOAD <file://${smallFile}> INTO GRAPH <http://ex.org/g/loaded-small>`);
    expect(direct.status).toBe(204);
    expect(direct.headers.get('quarry-saga')).toBeNull();
    expect(await inGraph('http://ex.org/g/loaded-small')).toHaveLength(1);
    const missing = await update(`LOAD SILENT <file://${join(dir.path, 'missing.nt')}>`);
    expect(missing.status).toBe(204);
  });
});
