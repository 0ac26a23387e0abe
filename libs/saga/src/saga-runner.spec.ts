import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControlDataSource, ensureDatabase, runMigrations } from '@quarry/control-db';
import { parseString, quadToLine, type Quad } from '@quarry/rdf';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChunkChange, ChunkCommitter } from './chunk-committer';
import { SagaRepository } from './saga-repository';
import { abortSaga, resumeSaga, SagaStateError, startSaga, type SagaDeps } from './saga-runner';
import { fileSource } from './saga-source';

const base = process.env.QUARRY_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `quarry_saga_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const url = base.replace(/\/[^/]*$/, `/${dbName}`);

/** An MVCC quad store in memory: every commit gets the next timestamp, reads see versions ≤ ts. */
class MemoryMvcc implements ChunkCommitter {
  ts = 100n;
  readonly versions = new Map<string, { ts: bigint; present: boolean }[]>();
  commits = 0;
  /** Throws before (or, with landFirst, after) applying the commit with this number. */
  failAt?: { commit: number; landFirst: boolean };

  async commit(change: ChunkChange): Promise<{ commitTs: bigint }> {
    this.commits++;
    const fail = this.failAt?.commit === this.commits;
    if (fail && !this.failAt!.landFirst) throw new Error('injected failure before commit');
    const ts = ++this.ts;
    for (const q of change.deletes) this.put(quadToLine(q, 'N-Quads'), ts, false);
    for (const q of change.inserts) this.put(quadToLine(q, 'N-Quads'), ts, true);
    if (fail) throw new Error('injected failure after commit (reply lost)');
    return { commitTs: ts };
  }

  private put(key: string, ts: bigint, present: boolean): void {
    let v = this.versions.get(key);
    if (!v) this.versions.set(key, (v = []));
    v.push({ ts, present });
  }

  visible(key: string, at: bigint): boolean {
    const v = (this.versions.get(key) ?? []).filter((x) => x.ts <= at);
    return v.length > 0 && v[v.length - 1].present;
  }

  snapshot(at = this.ts): string[] {
    return [...this.versions.keys()].filter((k) => this.visible(k, at)).sort();
  }

  async contains(readTs: bigint, quads: readonly Quad[]): Promise<boolean[]> {
    return quads.map((q) => this.visible(quadToLine(q, 'N-Quads'), readTs));
  }
}

describe('sagas on real PostgreSQL (in-memory MVCC store)', () => {
  let db: DataSource;
  let dir: string;
  let file: string;
  const lines = Array.from({ length: 10 }, (_, i) => `<http://ex/s${i}> <http://ex/p> "${i}" .\n`);

  beforeAll(async () => {
    await ensureDatabase(url);
    db = createControlDataSource(url);
    await db.initialize();
    await runMigrations(db);
    dir = mkdtempSync(join(tmpdir(), 'quarry-saga-'));
    file = join(dir, 'data.nt');
    writeFileSync(file, lines.join('') + '<http://ex/s0> <http://ex/p> _:b1 .\n');
  });

  afterAll(async () => {
    await db?.destroy();
    rmSync(dir, { recursive: true, force: true });
    const admin = new DataSource({ type: 'postgres', url: base });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.destroy();
  });

  const deps = (store: MemoryMvcc, owner: string): SagaDeps => ({
    repo: new SagaRepository(db),
    committer: store,
    contains: (ts, q) => store.contains(ts, q),
    owner,
    staleMs: 60_000,
  });
  const newSaga = async (store: MemoryMvcc, onFailure: 'pause' | 'abort' = 'pause') => ({
    cluster: 'unit',
    label: 'data.nt',
    source: await fileSource(file, { format: 'N-Triples', blankPrefix: 'p1_' }),
    onFailure,
    resumableBy: 'cli' as const,
    chunkQuads: 3,
    startTs: store.ts,
  });

  it('commits every chunk in order and records the progress', async () => {
    const store = new MemoryMvcc();
    const { id, outcome } = await startSaga(deps(store, 'a@h:1'), await newSaga(store));
    expect(await outcome).toMatchObject({ id, state: 'completed', chunksDone: 4, quadsDone: 11 });
    expect(store.snapshot()).toHaveLength(11);
    expect(store.snapshot()).toContain('<http://ex/s0> <http://ex/p> _:p1_b1 .\n');
    const row = await new SagaRepository(db).get(id);
    expect(row).toMatchObject({ state: 'completed', chunksDone: 4, chunksTotal: 4, quadsDone: 11, owner: null });
  });

  it('resumes after a failure whose commit landed unrecorded, counting every chunk once', async () => {
    const store = new MemoryMvcc();
    store.failAt = { commit: 3, landFirst: true };
    const { id, outcome } = await startSaga(deps(store, 'a@h:2'), await newSaga(store));
    expect(await outcome).toMatchObject({ state: 'paused', chunksDone: 2, quadsDone: 6, error: expect.stringMatching(/reply lost/) });
    // Paused sagas are released: another process may resume them.
    const resumed = await resumeSaga(deps(store, 'b@h:3'), id);
    expect(resumed).toMatchObject({ state: 'completed', chunksDone: 4, quadsDone: 11 });
    expect(store.snapshot()).toHaveLength(11);
  });

  it('does not let a second process take over a saga whose owner is alive', async () => {
    const store = new MemoryMvcc();
    const repo = new SagaRepository(db);
    const row = await repo.create(await newSaga(store), 'a@h:4');
    await expect(resumeSaga(deps(store, 'b@h:5'), row.id)).rejects.toThrow(SagaStateError);
    // ...unless its death is proven (quarry load --resume on the same machine, pid gone)
    expect(await resumeSaga(deps(store, 'b@h:5'), row.id, { ownerDead: true })).toMatchObject({ state: 'completed', quadsDone: 11 });
  });

  it('abort removes exactly the quads the saga added that were not there before, including an unrecorded chunk', async () => {
    const store = new MemoryMvcc();
    // Before the saga: two of its quads and one unrelated quad.
    await store.commit({ inserts: [], deletes: [] });
    const before = parseString(lines[1] + lines[7] + '<http://ex/other> <http://ex/p> "x" .\n', { format: 'N-Triples' });
    await store.commit({ inserts: before, deletes: [] });
    const expected = store.snapshot();
    store.failAt = { commit: store.commits + 3, landFirst: true };
    const { id, outcome } = await startSaga(deps(store, 'a@h:6'), await newSaga(store));
    expect(await outcome).toMatchObject({ state: 'paused', chunksDone: 2 });
    expect(store.snapshot().length).toBeGreaterThan(expected.length);
    const aborted = await abortSaga(deps(store, 'c@h:7'), id);
    expect(aborted.state).toBe('aborted');
    expect(store.snapshot()).toEqual(expected);
    expect(await new SagaRepository(db).get(id)).toMatchObject({ state: 'aborted', chunksCompensated: 3 });
    // aborting again is a no-op; resuming is refused
    expect((await abortSaga(deps(store, 'c@h:7'), id)).state).toBe('aborted');
    await expect(resumeSaga(deps(store, 'c@h:7'), id)).rejects.toThrow(/aborted/);
  });

  it('failure policy abort compensates at once', async () => {
    const store = new MemoryMvcc();
    const expected = store.snapshot();
    store.failAt = { commit: 2, landFirst: false };
    const { outcome } = await startSaga(deps(store, 'a@h:8'), await newSaga(store, 'abort'));
    expect(await outcome).toMatchObject({ state: 'aborted', error: expect.stringMatching(/before commit/) });
    expect(store.snapshot()).toEqual(expected);
  });

  it('an abort requested while the owner runs makes it pause, then compensates', async () => {
    const store = new MemoryMvcc();
    const slow: ChunkCommitter = { commit: async (c) => (await new Promise((r) => setTimeout(r, 150)), store.commit(c)) };
    const d = { ...deps(store, 'a@h:9'), committer: slow };
    const { id, outcome } = await startSaga(d, await newSaga(store));
    const aborted = abortSaga({ ...deps(store, 'z@h:10'), committer: slow }, id, { waitMs: 10_000 });
    expect((await outcome).state).toBe('paused');
    expect((await aborted).state).toBe('aborted');
    expect(store.snapshot()).toEqual([]);
    expect(await new SagaRepository(db).gcSafePointFloor('unit')).toBeUndefined();
  });

  it('an explicit resume overrides an abort request that nobody carried out', async () => {
    const store = new MemoryMvcc();
    const repo = new SagaRepository(db);
    const row = await repo.create(await newSaga(store), 'gone@h:11');
    await repo.requestAbort(row.id);
    // without the override, the first chunk sees the request and pauses
    expect(await resumeSaga(deps(store, 'b@h:12'), row.id, { ownerDead: true })).toMatchObject({ state: 'paused', error: 'abort requested' });
    expect(await resumeSaga(deps(store, 'b@h:12'), row.id, { overrideAbortRequest: true })).toMatchObject({ state: 'completed', quadsDone: 11 });
    expect(store.snapshot()).toHaveLength(11);
  });
});
