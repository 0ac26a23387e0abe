import { Inject, Injectable } from '@nestjs/common';
import { executeUpdate } from '@quarry/sparql';
import { absoluteIris } from './graph-iris';
import { ProtocolError } from './protocol-error';
import type { ProtocolRequest } from './protocol-request';
import type { ProtocolResponse } from './protocol-response';
import { SPARQL_DATASET, type SparqlDataset } from './sparql-dataset';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';

/**
 * Runs one SPARQL update request: evaluated against a snapshot, committed as one change
 * through the dataset's writer (so a request applies entirely or not at all).
 */
@Injectable()
export class SparqlUpdateService {
  constructor(
    @Inject(SPARQL_DATASET) private readonly dataset: SparqlDataset,
    @Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions,
  ) {}

  /**
   * Update requests of this process run one at a time, so each evaluates against the state
   * the previous one committed (no lost updates between evaluation and commit).
   */
  private tail: Promise<unknown> = Promise.resolve();

  update(text: string, request: ProtocolRequest): Promise<ProtocolResponse> {
    const run = this.tail.then(() => this.runUpdate(text, request));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runUpdate(text: string, request: ProtocolRequest): Promise<ProtocolResponse> {
    if (Buffer.byteLength(text) > this.options.maxRequestBytes) {
      throw new ProtocolError(413, `update exceeds the limit of ${this.options.maxRequestBytes} bytes`);
    }
    const defaultGraphs = absoluteIris(request.params.all('using-graph-uri'), 'using-graph-uri');
    const namedGraphs = absoluteIris(request.params.all('using-named-graph-uri'), 'using-named-graph-uri');
    await executeUpdate(text, this.dataset.source(), this.dataset.writer, {
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
