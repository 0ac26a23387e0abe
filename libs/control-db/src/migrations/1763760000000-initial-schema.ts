import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763760000000 implements MigrationInterface {
  name = 'InitialSchema1763760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "ops_job" (
        "id" uuid PRIMARY KEY,
        "kind" text NOT NULL,
        "state" text NOT NULL CHECK ("state" IN ('queued','running','succeeded','failed','cancelled')),
        "progress" double precision NOT NULL DEFAULT 0,
        "detail" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX "IDX_ops_job_kind" ON "ops_job" ("kind")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "ops_job"`);
  }
}
