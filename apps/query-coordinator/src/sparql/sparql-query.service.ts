import { Inject, Injectable } from '@nestjs/common';
import { negotiate, QueryEngine, serializeResult, type QueryResult, type ResultKind } from '@quarry/sparql';
import { absoluteIris } from './graph-iris';
import { prefetchFirst } from './prefetch';
import { ProtocolError } from './protocol-error';
import type { ProtocolRequest } from './protocol-request';
import type { ProtocolResponse } from './protocol-response';
import { serviceDescription } from './service-description';
import { SPARQL_DATASET, type SparqlDataset } from './sparql-dataset';
import { SPARQL_HTTP_OPTIONS, type SparqlHttpOptions } from './sparql-http-options';

/** Runs one SPARQL query over a snapshot of the dataset and serialises it as negotiated. */
@Injectable()
export class SparqlQueryService {
  constructor(
    @Inject(SPARQL_DATASET) private readonly dataset: SparqlDataset,
    @Inject(SPARQL_HTTP_OPTIONS) private readonly options: SparqlHttpOptions,
  ) {}

  async query(text: string, request: ProtocolRequest): Promise<ProtocolResponse> {
    if (Buffer.byteLength(text) > this.options.maxRequestBytes) {
      throw new ProtocolError(413, `query exceeds the limit of ${this.options.maxRequestBytes} bytes`);
    }
    const engine = new QueryEngine(this.dataset.source(), { defaultGraphMode: this.options.defaultGraphMode, serviceHandler: this.options.serviceHandler });
    const algebra = engine.prepare(text, { baseIri: `${request.url.origin}${request.url.pathname}` });
    const kind: ResultKind = algebra.form.type === 'select' ? 'bindings' : algebra.form.type === 'ask' ? 'boolean' : 'graph';
    const mediaType = negotiated(request.accept, kind);
    const defaultGraphs = absoluteIris(request.params.all('default-graph-uri'), 'default-graph-uri');
    const namedGraphs = absoluteIris(request.params.all('named-graph-uri'), 'named-graph-uri');
    const result = await engine.query(algebra, {
      signal: request.signal,
      batchSize: this.options.queryBatchSize,
      limits: { maxMaterializedRows: this.options.maxMaterializedRows },
      dataset: defaultGraphs.length > 0 || namedGraphs.length > 0 ? { defaultGraphs, namedGraphs } : undefined,
    });
    return {
      status: 200,
      headers: { 'content-type': `${mediaType}; charset=utf-8`, vary: 'Accept' },
      body: serializeResult(await prefetched(result), mediaType),
    };
  }

  /** The service description, in the negotiated RDF syntax (Turtle by default). */
  describe(request: ProtocolRequest): ProtocolResponse {
    const mediaType = negotiated(request.accept, 'graph');
    const endpoint = `${request.url.origin}${request.url.pathname}`;
    const quads = serviceDescription(endpoint, this.options.defaultGraphMode);
    const result: QueryResult = {
      type: 'quads',
      quads: (async function* () {
        yield quads;
      })(),
    };
    return { status: 200, headers: { 'content-type': `${mediaType}; charset=utf-8`, vary: 'Accept' }, body: serializeResult(result, mediaType) };
  }
}

function negotiated(accept: string | undefined, kind: ResultKind): string {
  const choice = negotiate(accept, kind);
  if (!choice.ok) {
    throw new ProtocolError(406, `none of the accepted media types (${accept ?? ''}) can carry this result; supported: ${choice.supported.join(', ')}`);
  }
  return choice.mediaType;
}

async function prefetched(result: QueryResult): Promise<QueryResult> {
  switch (result.type) {
    case 'bindings':
      return { ...result, bindings: await prefetchFirst(result.bindings) };
    case 'quads':
      return { ...result, quads: await prefetchFirst(result.quads) };
    case 'boolean':
      return result;
  }
}
