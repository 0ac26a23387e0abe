import { DataSource } from 'typeorm';
import { OpsJob } from './entities/ops-job.entity';
import { LoadSaga, LoadSagaBlob } from './entities/load-saga.entity';
import { InitialSchema1763760000000 } from './migrations/1763760000000-initial-schema';
import { LoadSagas1763900000000 } from './migrations/1763900000000-load-sagas';

export const controlDbEntities = [OpsJob, LoadSaga, LoadSagaBlob];
export const controlDbMigrations = [InitialSchema1763760000000, LoadSagas1763900000000];

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/quarry';

/**
 * The control database. Schema changes only through migrations: `synchronize` stays off so a
 * deploy never silently drops a column.
 */
export function createControlDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: controlDbEntities,
    migrations: controlDbMigrations,
    migrationsTableName: 'quarry_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
  });
}

/** Applies pending migrations; returns the names applied. Safe to run from several processes. */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  // One migrator at a time across the cluster: ops instances may start together.
  await ds.query('SELECT pg_advisory_lock(727172)');
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.query('SELECT pg_advisory_unlock(727172)');
  }
}

/** The database named by `url`, and a data source on the `postgres` maintenance database. */
function adminSourceFor(url: string): { name: string; admin: DataSource } {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!/^[a-zA-Z0-9_]+$/.test(name)) throw new Error(`QUARRY_PG_URL names an invalid database "${name}"`);
  u.pathname = '/postgres';
  return { name, admin: new DataSource({ type: 'postgres', url: u.toString() }) };
}

/** Creates the database named in `url` if it does not exist (dev clusters and tests). */
export async function ensureDatabase(url: string): Promise<void> {
  const { name, admin } = adminSourceFor(url);
  await admin.initialize();
  try {
    const rows: unknown[] = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await admin.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
      // Created concurrently (ops and a coordinator start together): PostgreSQL reports either
      // duplicate_database or, when both inserts race in pg_database, unique_violation.
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    });
  } finally {
    await admin.destroy();
  }
}

/** Drops the database named in `url` (`quarry dev down --purge`, tests). */
export async function dropDatabase(url: string): Promise<void> {
  const { name, admin } = adminSourceFor(url);
  await admin.initialize();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.destroy();
  }
}
