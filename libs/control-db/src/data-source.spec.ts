import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { createControlDataSource, ensureDatabase, runMigrations } from './data-source';
import { OpsJob } from './entities/ops-job.entity';

const base = process.env.QUARRY_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `quarry_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const url = base.replace(/\/[^/]*$/, `/${dbName}`);

describe('control-db migrations on real PostgreSQL', () => {
  afterAll(async () => {
    const admin = new DataSource({ type: 'postgres', url: base });
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.destroy();
  });

  it('creates the database, applies migrations once, and the entities work', async () => {
    await ensureDatabase(url);
    await ensureDatabase(url); // idempotent
    const ds = createControlDataSource(url);
    await ds.initialize();
    expect(await runMigrations(ds)).toEqual(['InitialSchema1763760000000', 'LoadSagas1763900000000']);
    expect(await runMigrations(ds)).toEqual([]);
    const repo = ds.getRepository(OpsJob);
    const id = randomUUID();
    await repo.insert({ id, kind: 'backup', state: 'queued', progress: 0, detail: { regions: 3 }, error: null });
    const row = await repo.findOneByOrFail({ id });
    expect(row.detail).toEqual({ regions: 3 });
    await expect(repo.insert({ id: randomUUID(), kind: 'x', state: 'bogus' as never, progress: 0, detail: {}, error: null })).rejects.toThrow(/check constraint/);
    await ds.destroy();
  });
});
