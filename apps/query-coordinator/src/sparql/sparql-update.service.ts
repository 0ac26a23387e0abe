import { Inject, Injectable } from '@nestjs/common';
import { executeUpdate, parseUpdate, UpdateError } from '@quarry/sparql';
import { absoluteIris } from './graph-iris';
import { ProtocolError } from './protocol-error';
import type { ProtocolRequest } from './protocol-request';
import type { ProtocolResponse } from './protocol-response';
import { SPARQL_DATASET, type SparqlDataset } from './sparql-dataset';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';

/**
 * Runs one SPARQL update request as one transaction: evaluated against a snapshot, committed
 * as one change that applies entirely or not at all, and refused (409) if another transaction
 * changed one of the same quads after that snapshot. Requests run concurrently.
 */
@Injectable()
export class SparqlUpdateService {
  constructor(
    @Inject(SPARQL_DATASET) private readonly dataset: SparqlDataset,
    @Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions,
  ) {}

  async update(text: string, request: ProtocolRequest): Promise<ProtocolResponse> {
    if (Buffer.byteLength(text) > this.options.maxRequestBytes) {
      throw new ProtocolError(413, `update exceeds the limit of ${this.options.maxRequestBytes} bytes`);
    }
    const defaultGraphs = absoluteIris(request.params.all('using-graph-uri'), 'using-graph-uri');
    const namedGraphs = absoluteIris(request.params.all('using-named-graph-uri'), 'using-named-graph-uri');
    const saga = await this.loadAsSaga(text, request);
    if (saga) return saga;
    const tx = this.dataset.begin();
    await executeUpdate(text, tx.source, tx.writer, {
      baseIri: `${request.url.origin}${request.url.pathname}`,
      signal: request.signal,
      loader: this.options.loader,
      serviceHandler: this.options.serviceHandler,
      limits: { maxMaterializedRows: this.options.maxMaterializedRows },
      defaultGraphMode: this.options.defaultGraphMode,
      dataset: defaultGraphs.length > 0 || namedGraphs.length > 0 ? { defaultGraphs, namedGraphs } : undefined,
    });
    return { status: 204, headers: {} };
  }

  /**
   * A request that is one LOAD of a large local file runs as a saga (docs/sagas.md): chunks
   * committed one by one instead of one transaction. Undefined for every other request.
   */
  private async loadAsSaga(text: string, request: ProtocolRequest): Promise<ProtocolResponse | undefined> {
    const bulk = this.options.bulkLoader;
    if (!bulk?.loadFileIfLarge || !/\bLOAD\b/i.test(text)) return undefined;
    const parsed = parseUpdate(text, { baseIri: `${request.url.origin}${request.url.pathname}` });
    const op = parsed.updates.length === 1 ? parsed.updates[0] : undefined;
    if (!op || !('type' in op) || op.type !== 'load') return undefined;
    let outcome;
    try {
      outcome = await bulk.loadFileIfLarge(op.source.value, op.destination ? op.destination.value : undefined);
    } catch (err) {
      if (op.silent) return { status: 204, headers: {} };
      throw new UpdateError((err as Error).message);
    }
    if (!outcome) return undefined;
    if (outcome.state !== 'completed') {
      throw new ProtocolError(
        500,
        `LOAD saga ${outcome.id} ${outcome.state} after ${outcome.quadsDone} quads: ${outcome.error ?? 'stopped'}; see quarry jobs, quarry load --resume ${outcome.id} or --abort ${outcome.id}`,
      );
    }
    return { status: 204, headers: { 'quarry-saga': outcome.id } };
  }
}
