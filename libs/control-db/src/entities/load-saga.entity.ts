import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * running   — an owner is committing chunks (or died doing so: see heartbeatAt)
 * paused    — stopped after a failure (policy `pause`) or by its owner; resumable
 * completed — every chunk committed
 * aborting  — compensation under way (resumable too)
 * aborted   — compensated: the quads it added that were not there before are gone
 */
export type LoadSagaState = 'running' | 'paused' | 'completed' | 'aborting' | 'aborted';
export type LoadSagaFailurePolicy = 'pause' | 'abort';
/** Who may resume a saga whose owner died: its source is only readable there. */
export type LoadSagaResumer = 'cli' | 'coordinator';

/** Where a saga's input comes from; re-read on resume and on abort, so it must not change. */
export interface LoadSagaSource {
  /** `file`: a path on the owner's machine (checked by size and SHA-256); `blob`: stored in load_saga_blob. */
  kind: 'file' | 'blob';
  path?: string;
  size: number;
  sha256: string;
  /** RDF syntax (N-Triples, N-Quads, Turtle, TriG). */
  format: string;
  baseIri?: string;
  /** Graph IRI for the triples of triple formats (and, for GSP POST, every quad). */
  graph?: string;
  /** Whether `graph` replaces the graph of quad formats too (Graph Store Protocol). */
  forceGraph?: boolean;
  /** Prefix given to every blank node label, so re-reading yields the same nodes. */
  blankPrefix: string;
}

/** A bulk load run as a saga: chunks committed one by one, progress recorded after each. */
@Entity({ name: 'load_saga' })
export class LoadSaga {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The cluster (QUARRY_CLUSTER) it loads into: one control database may serve several. */
  @Index()
  @Column({ type: 'text' })
  cluster!: string;

  /** What is loaded, for people: a file name or "POST /store?graph=...". */
  @Column({ type: 'text' })
  label!: string;

  @Column({ type: 'jsonb' })
  source!: LoadSagaSource;

  @Column({ type: 'text' })
  state!: LoadSagaState;

  @Column({ type: 'text', name: 'on_failure' })
  onFailure!: LoadSagaFailurePolicy;

  @Column({ type: 'text', name: 'resumable_by' })
  resumableBy!: LoadSagaResumer;

  @Column({ type: 'int', name: 'chunk_quads' })
  chunkQuads!: number;

  /** Chunks known committed, in order: chunk i is committed iff i < chunksDone. */
  @Column({ type: 'int', name: 'chunks_done', default: 0 })
  chunksDone!: number;

  @Column({ type: 'bigint', name: 'quads_done', default: 0, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  quadsDone!: number;

  /** Set once the whole source was read: the number of chunks. */
  @Column({ type: 'int', name: 'chunks_total', nullable: true })
  chunksTotal!: number | null;

  /** Chunks compensated (deleted back) so far by an abort. */
  @Column({ type: 'int', name: 'chunks_compensated', default: 0 })
  chunksCompensated!: number;

  /** TSO timestamp before the first chunk: "present before" means visible at this timestamp. */
  @Column({ type: 'numeric', precision: 20, scale: 0, name: 'start_ts', transformer: { to: (v: bigint) => v.toString(), from: (v: string) => BigInt(v) } })
  startTs!: bigint;

  @Column({ type: 'text', nullable: true })
  owner!: string | null;

  @Column({ type: 'timestamptz', name: 'heartbeat_at', nullable: true })
  heartbeatAt!: Date | null;

  /** Set by `quarry load --abort` while another process runs the saga; the owner stops at its next chunk. */
  @Column({ type: 'boolean', name: 'abort_requested', default: false })
  abortRequested!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}

/** The input of a saga that has no file to re-read (a Graph Store POST body), gzip-compressed. */
@Entity({ name: 'load_saga_blob' })
export class LoadSagaBlob {
  @PrimaryColumn({ type: 'uuid', name: 'saga_id' })
  sagaId!: string;

  @Column({ type: 'bytea' })
  body!: Buffer;
}
