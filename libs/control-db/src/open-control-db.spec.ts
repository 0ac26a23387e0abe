import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { controlDbMigrations, dropDatabase } from './data-source';
import { LoadSaga } from './entities/load-saga.entity';
import { openControlDb } from './open-control-db';

const base = process.env.QUARRY_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const url = base.replace(/\/[^/]*$/, `/quarry_open_${randomUUID().replace(/-/g, '').slice(0, 12)}`);

describe('openControlDb', () => {
  afterAll(() => dropDatabase(url));

  it('creates and migrates a missing database, then just connects', async () => {
    const first = await openControlDb(url);
    const applied = (await first.query('SELECT name FROM quarry_migrations ORDER BY id')) as { name: string }[];
    expect(applied.map((r) => r.name)).toEqual(controlDbMigrations.map((m) => m.name));
    expect(applied.map((r) => r.name)).toContain('LoadSagas1763900000000');
    await first.destroy();
    const again = await openControlDb(url);
    expect(await again.getRepository(LoadSaga).count()).toBe(0);
    expect(((await again.query('SELECT count(*)::int AS n FROM quarry_migrations')) as { n: number }[])[0].n).toBe(controlDbMigrations.length);
    await again.destroy();
  });
});
