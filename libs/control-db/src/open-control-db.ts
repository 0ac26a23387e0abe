import type { DataSource } from 'typeorm';
import { controlDbMigrations, createControlDataSource, ensureDatabase, runMigrations } from './data-source';

/**
 * Connects to the control database, creating it and applying pending migrations only when
 * needed: the common case (database there, schema current) costs one connection and one query,
 * which matters to short CLI commands.
 */
export async function openControlDb(url: string): Promise<DataSource> {
  let db = createControlDataSource(url);
  try {
    await db.initialize();
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: no such database
    await ensureDatabase(url);
    db = createControlDataSource(url);
    await db.initialize();
  }
  try {
    const applied = await db
      .query(`SELECT name FROM quarry_migrations`)
      .then((rows: { name: string }[]) => new Set(rows.map((r) => r.name)))
      .catch(() => new Set<string>()); // no migrations table yet
    if (controlDbMigrations.some((m) => !applied.has(m.name))) await runMigrations(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  return db;
}
