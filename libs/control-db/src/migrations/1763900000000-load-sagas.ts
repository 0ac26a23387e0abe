import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk-load sagas (docs/sagas.md): progress per saga, and stored inputs of HTTP uploads. */
export class LoadSagas1763900000000 implements MigrationInterface {
  name = 'LoadSagas1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "load_saga" (
        "id" uuid PRIMARY KEY,
        "cluster" text NOT NULL,
        "label" text NOT NULL,
        "source" jsonb NOT NULL,
        "state" text NOT NULL CHECK ("state" IN ('running','paused','completed','aborting','aborted')),
        "on_failure" text NOT NULL CHECK ("on_failure" IN ('pause','abort')),
        "resumable_by" text NOT NULL CHECK ("resumable_by" IN ('cli','coordinator')),
        "chunk_quads" integer NOT NULL CHECK ("chunk_quads" > 0),
        "chunks_done" integer NOT NULL DEFAULT 0,
        "quads_done" bigint NOT NULL DEFAULT 0,
        "chunks_total" integer,
        "chunks_compensated" integer NOT NULL DEFAULT 0,
        "start_ts" numeric(20,0) NOT NULL,
        "owner" text,
        "heartbeat_at" timestamptz,
        "abort_requested" boolean NOT NULL DEFAULT false,
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "finished_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "IDX_load_saga_cluster_state" ON "load_saga" ("cluster", "state")`);
    await q.query(`
      CREATE TABLE "load_saga_blob" (
        "saga_id" uuid PRIMARY KEY REFERENCES "load_saga" ("id") ON DELETE CASCADE,
        "body" bytea NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "load_saga_blob"`);
    await q.query(`DROP TABLE "load_saga"`);
  }
}
