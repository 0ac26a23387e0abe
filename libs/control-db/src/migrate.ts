import 'reflect-metadata';
import { createControlDataSource, DEFAULT_PG_URL, ensureDatabase, runMigrations } from './data-source';

/** `npm run migrate`: brings the control database named by QUARRY_PG_URL up to date. */
async function main(): Promise<void> {
  const url = process.env.QUARRY_PG_URL || DEFAULT_PG_URL;
  await ensureDatabase(url);
  const ds = createControlDataSource(url);
  await ds.initialize();
  try {
    const applied = await runMigrations(ds);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'control database is up to date\n');
  } finally {
    await ds.destroy();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`migrate failed: ${err.message}\n`);
  process.exit(1);
});
