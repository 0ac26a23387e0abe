import { resolve } from 'node:path';
import { DEFAULT_PG_URL, openControlDb as openControlDataSource } from '@quarry/control-db';
import { CHUNK_LOCK_TTL_MS, CHUNK_LOCK_WAIT_MS, ownerId, SagaRepository, type SagaDeps, type SagaProgress } from '@quarry/saga';
import { RegionContains, TransactionCommitter, TxnDecisions } from '@quarry/store-client';
import type { DataSource } from 'typeorm';
import type { ClusterConnection } from './cluster-connection';
import { defaultDataDir, readState } from './dev/cluster-state';

export const pgOption = { 'pg-url': { type: 'string' } } as const;
export const pgUsage = `  --pg-url URL            control database (default: QUARRY_PG_URL, else dev up's, else ${DEFAULT_PG_URL})`;

/** An owner silent this long is presumed dead (its saga may be resumed or aborted by another process). */
export const SAGA_STALE_MS = 15_000;

/** Opens the control database (creating and migrating it if needed: sagas may run before ops ever started). */
export async function openControlDb(values: Record<string, string | boolean | undefined>): Promise<DataSource> {
  const state = readState(resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
  const url = (values['pg-url'] as string | undefined) ?? process.env.QUARRY_PG_URL ?? state?.pgUrl ?? DEFAULT_PG_URL;
  try {
    return await openControlDataSource(url);
  } catch (err) {
    throw new Error(`control database at ${url} is not usable: ${(err as Error).message}`);
  }
}

/** What the CLI runs sagas with: chunks committed through the region writer, compensation reads through Contains. */
export function cliSagaDeps(conn: ClusterConnection, db: DataSource, onProgress?: (p: SagaProgress) => void): SagaDeps {
  const contains = new RegionContains(conn.stores);
  return {
    repo: new SagaRepository(db),
    committer: new TransactionCommitter(conn.stores, new TxnDecisions(conn.consensus), { lockTtlMs: CHUNK_LOCK_TTL_MS, lockWaitMs: CHUNK_LOCK_WAIT_MS }),
    contains: (ts, quads) => contains.contains(ts, quads),
    owner: ownerId('cli'),
    staleMs: SAGA_STALE_MS,
    onProgress,
  };
}
