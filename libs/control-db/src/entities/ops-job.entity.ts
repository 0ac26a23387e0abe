import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export type OpsJobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A background job run by the ops service (backup, restore, verification, migration...). */
@Entity({ name: 'ops_job' })
export class OpsJob {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index()
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  state!: OpsJobState;

  /** 0..1; jobs update it as they go so `quarry jobs` can show progress. */
  @Column({ type: 'double precision', default: 0 })
  progress!: number;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  detail!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
