import { randomUUID } from 'node:crypto';
import { LoadSaga, LoadSagaBlob, type LoadSagaFailurePolicy, type LoadSagaResumer, type LoadSagaSource, type LoadSagaState } from '@quarry/control-db';
import type { DataSource } from 'typeorm';

/** Another process owns the saga now (it was presumed dead, or an abort took it over). */
export class LostOwnershipError extends Error {}

export interface NewSaga {
  cluster: string;
  label: string;
  source: LoadSagaSource;
  onFailure: LoadSagaFailurePolicy;
  resumableBy: LoadSagaResumer;
  chunkQuads: number;
  startTs: bigint;
  /** gzip-compressed input of a `blob` source. */
  blob?: Buffer;
}

type Row = Record<string, unknown>;

/**
 * Saga records in PostgreSQL. Every change of progress is a conditional UPDATE on the owner
 * (and, for chunks, on the expected chunk number), so two processes can never both advance one
 * saga, and a chunk is never counted twice.
 */
export class SagaRepository {
  constructor(private readonly db: DataSource) {}

  async create(s: NewSaga, owner: string): Promise<LoadSaga> {
    const id = randomUUID();
    await this.db.transaction(async (m) => {
      await m.getRepository(LoadSaga).insert({
        id,
        cluster: s.cluster,
        label: s.label,
        source: s.source,
        state: 'running',
        onFailure: s.onFailure,
        resumableBy: s.resumableBy,
        chunkQuads: s.chunkQuads,
        startTs: s.startTs,
        owner,
        heartbeatAt: null,
      });
      // Heartbeats are compared with the database's clock, never the client's.
      await m.query(`UPDATE load_saga SET heartbeat_at = now() WHERE id = $1`, [id]);
      if (s.blob) await m.getRepository(LoadSagaBlob).insert({ sagaId: id, body: s.blob });
    });
    return this.get(id);
  }

  async get(id: string): Promise<LoadSaga> {
    const row = await this.find(id);
    if (!row) throw new Error(`no saga ${id}`);
    return row;
  }

  find(id: string): Promise<LoadSaga | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return this.db.getRepository(LoadSaga).findOneBy({ id });
  }

  async blob(id: string): Promise<Buffer | undefined> {
    return (await this.db.getRepository(LoadSagaBlob).findOneBy({ sagaId: id }))?.body;
  }

  /** The cluster's sagas, newest first. */
  list(cluster: string, limit = 100): Promise<LoadSaga[]> {
    return this.db.getRepository(LoadSaga).find({ where: { cluster }, order: { createdAt: 'DESC' }, take: limit });
  }

  /**
   * Takes the saga over, into state `to`, if it is in one of `from` and nobody else holds it: no
   * owner, this owner, or an owner silent for `staleMs` (presumed dead). Undefined otherwise.
   */
  async claim(id: string, owner: string, from: LoadSagaState[], to: LoadSagaState, staleMs: number): Promise<LoadSaga | undefined> {
    const rows = await this.update(
      `UPDATE load_saga SET owner = $2, heartbeat_at = now(), state = $4, error = CASE WHEN $4 = state THEN error ELSE NULL END, updated_at = now()
       WHERE id = $1 AND state = ANY($3) AND (owner IS NULL OR owner = $2 OR heartbeat_at < now() - make_interval(secs => $5::double precision / 1000))
       RETURNING id`,
      [id, owner, from, to, staleMs],
    );
    return rows.length ? this.get(id) : undefined;
  }

  /** Sagas in `states` that `resumer` may take over: released, or with an owner silent for `staleMs`. */
  async orphans(cluster: string, resumer: LoadSagaResumer, states: LoadSagaState[], staleMs: number): Promise<string[]> {
    const rows: Row[] = await this.db.query(
      `SELECT id FROM load_saga WHERE cluster = $1 AND resumable_by = $2 AND state = ANY($3)
       AND (owner IS NULL OR heartbeat_at < now() - make_interval(secs => $4::double precision / 1000)) ORDER BY created_at`,
      [cluster, resumer, states, staleMs],
    );
    return rows.map((r) => String(r.id));
  }

  async heartbeat(id: string, owner: string): Promise<boolean> {
    return (await this.update(`UPDATE load_saga SET heartbeat_at = now() WHERE id = $1 AND owner = $2 RETURNING id`, [id, owner])).length > 0;
  }

  /**
   * Records chunk `index` committed (the next one expected). Returns whether an abort was
   * requested meanwhile; throws LostOwnershipError when the saga is no longer ours to advance.
   */
  async chunkCommitted(id: string, owner: string, index: number, quads: number): Promise<{ abortRequested: boolean }> {
    const rows = await this.update(
      `UPDATE load_saga SET chunks_done = $3 + 1, quads_done = quads_done + $4, heartbeat_at = now(), updated_at = now()
       WHERE id = $1 AND owner = $2 AND state = 'running' AND chunks_done = $3 RETURNING abort_requested`,
      [id, owner, index, quads],
    );
    if (!rows.length) throw new LostOwnershipError(`saga ${id}: chunk ${index} is not ours to record (taken over or already recorded)`);
    return { abortRequested: rows[0].abort_requested === true };
  }

  async chunkCompensated(id: string, owner: string, index: number): Promise<void> {
    const rows = await this.update(
      `UPDATE load_saga SET chunks_compensated = $3 + 1, heartbeat_at = now(), updated_at = now()
       WHERE id = $1 AND owner = $2 AND state = 'aborting' AND chunks_compensated = $3 RETURNING id`,
      [id, owner, index],
    );
    if (!rows.length) throw new LostOwnershipError(`saga ${id}: compensation of chunk ${index} is not ours to record`);
  }

  /** Ends an owner's turn: into `to` (completed, aborted, paused), releasing the saga. */
  async finish(
    id: string,
    owner: string,
    from: LoadSagaState,
    to: LoadSagaState,
    fields: { chunksTotal?: number; error?: string | null } = {},
  ): Promise<boolean> {
    const done = to === 'completed' || to === 'aborted';
    const rows = await this.update(
      `UPDATE load_saga SET state = $4, owner = NULL, heartbeat_at = NULL, updated_at = now(),
         chunks_total = COALESCE($5, chunks_total), error = $6, finished_at = CASE WHEN $7 THEN now() ELSE finished_at END,
         abort_requested = CASE WHEN $4 = 'aborted' THEN false ELSE abort_requested END
       WHERE id = $1 AND owner = $2 AND state = $3 RETURNING id`,
      [id, owner, from, to, fields.chunksTotal ?? null, fields.error ?? null, done],
    );
    return rows.length > 0;
  }

  /** Records the total number of chunks once the whole input was read. */
  async setChunksTotal(id: string, owner: string, total: number): Promise<void> {
    await this.update(`UPDATE load_saga SET chunks_total = $3 WHERE id = $1 AND owner = $2 RETURNING id`, [id, owner, total]);
  }

  /** Withdraws an abort request (an explicit resume overrides an abort that gave up waiting). */
  async clearAbortRequest(id: string, owner: string): Promise<void> {
    await this.update(`UPDATE load_saga SET abort_requested = false WHERE id = $1 AND owner = $2 RETURNING id`, [id, owner]);
  }

  /** Asks the running owner to stop at its next chunk; returns the saga's state. */
  async requestAbort(id: string): Promise<LoadSagaState | undefined> {
    const rows = await this.update(`UPDATE load_saga SET abort_requested = true, updated_at = now() WHERE id = $1 RETURNING state`, [id]);
    return rows.length ? (rows[0].state as LoadSagaState) : undefined;
  }

  /**
   * The oldest start timestamp of a saga that may still compensate: an MVCC garbage collector
   * must keep every version visible at it (its safe point must not pass it). Undefined: none.
   */
  async gcSafePointFloor(cluster: string): Promise<bigint | undefined> {
    const rows: Row[] = await this.db.query(`SELECT min(start_ts)::text AS ts FROM load_saga WHERE cluster = $1 AND state IN ('running','paused','aborting')`, [
      cluster,
    ]);
    return rows[0]?.ts == null ? undefined : BigInt(String(rows[0].ts));
  }

  /** Runs an UPDATE ... RETURNING and gives back the returned rows (TypeORM returns [rows, count] for updates). */
  private async update(sql: string, params: unknown[]): Promise<Row[]> {
    const out: unknown = await this.db.query(sql, params);
    if (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number') return out[0] as Row[];
    return out as Row[];
  }
}
