import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { OnModuleDestroy } from '@nestjs/common';
import type { ConsensusClient } from '@quarry/consensus-client';
import { openControlDb, type LoadSagaSource } from '@quarry/control-db';
import { formatFromMediaType } from '@quarry/rdf';
import {
  abortSaga,
  blobSource,
  CHUNK_LOCK_TTL_MS,
  CHUNK_LOCK_WAIT_MS,
  fileSource,
  readSource,
  ownerId,
  resumeSaga,
  SagaRepository,
  startSaga,
  type SagaDeps,
  type SagaOutcome,
} from '@quarry/saga';
import { RegionContains, TransactionCommitter, TxnDecisions, type StoreClient } from '@quarry/store-client';
import type { Logger } from '@quarry/telemetry';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { localFileOf } from '../document-loader';
import type { BulkBodyLoader, BulkBodyRequest } from '../sparql/sparql-http-options';

export interface CoordinatorSagaConfig {
  cluster: string;
  instanceId: string;
  pgUrl: string;
  minBytes: number;
  chunkQuads: number;
  ownerTimeoutMs: number;
  /** QUARRY_LOAD_DIR: where SPARQL LOAD may read files ('' = nowhere). */
  loadDir: string;
}


/**
 * The coordinator's sagas: large Graph Store bodies are stored (gzip) in PostgreSQL with the
 * saga and loaded chunk by chunk; at start and every `ownerTimeoutMs` the coordinator takes
 * over the cluster's coordinator sagas whose owner stopped heartbeating (a crashed coordinator)
 * and finishes them — forward if running, compensation if aborting.
 */
export class CoordinatorSagas implements BulkBodyLoader, OnModuleDestroy {
  readonly minBytes: number;
  private db?: Promise<DataSource>;
  private timer?: NodeJS.Timeout;
  private sweeping = false;
  private readonly owner: string;

  constructor(
    private readonly cfg: CoordinatorSagaConfig,
    private readonly stores: StoreClient,
    private readonly consensus: ConsensusClient,
    private readonly logger: Logger,
  ) {
    this.minBytes = cfg.minBytes;
    this.owner = ownerId(`coordinator-${cfg.instanceId}`);
  }

  /** Starts the orphan sweep (the first one right away). Does nothing when sagas are off. */
  start(): void {
    if (this.minBytes === 0) return;
    const sweep = (): void => void this.resumeOrphans().catch((err: Error) => this.logger.warn({ err: err.message }, 'saga sweep failed; will retry'));
    sweep();
    this.timer = setInterval(sweep, this.cfg.ownerTimeoutMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    const db = await this.db?.catch(() => undefined);
    await db?.destroy();
  }

  async load(req: BulkBodyRequest): Promise<SagaOutcome> {
    const format = formatFromMediaType(req.mediaType);
    if (!format) throw new Error(`no RDF syntax for ${req.mediaType}`);
    const source = blobSource(req.body, {
      format,
      baseIri: req.baseIri,
      graph: req.graph,
      forceGraph: true,
      blankPrefix: `b${randomBytes(4).toString('hex')}_`,
    });
    return this.run(req.label, source, gzipSync(req.body));
  }

  async loadFileIfLarge(iri: string, graph: string | undefined): Promise<SagaOutcome | undefined> {
    if (this.minBytes === 0 || !this.cfg.loadDir || !iri.startsWith('file:')) return undefined;
    const { path, format } = await localFileOf(iri, this.cfg.loadDir);
    if (statSync(path).size < this.minBytes) return undefined;
    // LOAD puts every triple into its target graph (the default graph without INTO GRAPH).
    const source = await fileSource(path, { format, baseIri: iri, graph, forceGraph: true, blankPrefix: `l${randomBytes(4).toString('hex')}_` });
    // The whole document is parsed first: an unparsable one fails the request with nothing written.
    try {
      for await (const batch of readSource(source)) void batch;
    } catch (err) {
      throw new Error(`LOAD <${iri}>: ${(err as Error).message}`);
    }
    return this.run(`LOAD <${iri}>`, source);
  }

  private async run(label: string, source: LoadSagaSource, blob?: Buffer): Promise<SagaOutcome> {
    const deps = await this.deps();
    const { id, outcome } = await startSaga(deps, {
      cluster: this.cfg.cluster,
      label,
      source,
      onFailure: 'pause',
      resumableBy: 'coordinator',
      chunkQuads: this.cfg.chunkQuads,
      startTs: await this.consensus.timestamp(),
      blob,
    });
    this.logger.info({ saga: id, label, bytes: source.size }, 'bulk load saga started');
    return outcome;
  }

  /** Takes over and finishes the cluster's coordinator sagas whose owner is presumed dead. */
  async resumeOrphans(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const deps = await this.deps();
      for (const id of await deps.repo.orphans(this.cfg.cluster, 'coordinator', ['running', 'aborting'], this.cfg.ownerTimeoutMs)) {
        const saga = await deps.repo.get(id);
        this.logger.info({ saga: id, state: saga.state, chunksDone: saga.chunksDone, previousOwner: saga.owner }, 'taking over a saga whose owner stopped');
        try {
          const outcome = saga.state === 'aborting' ? await abortSaga(deps, id) : await resumeSaga(deps, id);
          this.logger.info({ saga: id, state: outcome.state, quadsDone: outcome.quadsDone, error: outcome.error }, 'saga taken over');
        } catch (err) {
          // Another coordinator claimed it first, or it failed again: the next sweep looks again.
          this.logger.warn({ saga: id, err: (err as Error).message }, 'could not finish a saga taken over');
        }
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async deps(): Promise<SagaDeps> {
    const db = await this.connect();
    const contains = new RegionContains(this.stores);
    return {
      repo: new SagaRepository(db),
      committer: new TransactionCommitter(this.stores, new TxnDecisions(this.consensus), { lockTtlMs: CHUNK_LOCK_TTL_MS, lockWaitMs: CHUNK_LOCK_WAIT_MS }),
      contains: (ts, quads) => contains.contains(ts, quads),
      owner: this.owner,
      staleMs: this.cfg.ownerTimeoutMs,
    };
  }

  /** The control database, connected (and migrated) on first use; a failed attempt is retried next time. */
  private connect(): Promise<DataSource> {
    this.db ??= openControlDb(this.cfg.pgUrl);
    this.db.catch(() => (this.db = undefined));
    return this.db;
  }
}
