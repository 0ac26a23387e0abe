import { Inject, Injectable } from '@nestjs/common';
import { executeUpdate } from '@quarry/sparql';
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
}
