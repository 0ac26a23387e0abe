import { Injectable } from '@nestjs/common';
import { ProtocolError } from './protocol-error';
import type { ProtocolRequest } from './protocol-request';
import type { ProtocolResponse } from './protocol-response';
import { SparqlQueryService } from './sparql-query.service';
import { SparqlUpdateService } from './sparql-update.service';

const SPARQL_QUERY = 'application/sparql-query';
const SPARQL_UPDATE = 'application/sparql-update';

/**
 * SPARQL 1.1 Protocol request shapes (§2.1 query, §2.2 update): decides which operation a
 * request carries and where its text is, then hands it to the query or update service.
 */
@Injectable()
export class SparqlProtocolService {
  constructor(
    private readonly queries: SparqlQueryService,
    private readonly updates: SparqlUpdateService,
  ) {}

  /** GET /sparql: a query in the URL, or the service description when there is none. */
  get(request: ProtocolRequest): Promise<ProtocolResponse> {
    if (request.params.has('update')) throw new ProtocolError(400, 'updates must be sent with POST');
    const query = request.params.one('query');
    if (query === undefined) return Promise.resolve(this.queries.describe(request));
    return this.queries.query(query, request);
  }

  /** POST /sparql: a form with query= or update=, or a query/update sent directly. */
  post(request: ProtocolRequest): Promise<ProtocolResponse> {
    if (request.isForm) {
      const query = request.params.one('query');
      const update = request.params.one('update');
      if (query !== undefined && update !== undefined) throw new ProtocolError(400, "a request carries either 'query' or 'update', not both");
      if (query !== undefined) return this.queries.query(query, request);
      if (update !== undefined) return this.updates.update(update, request);
      throw new ProtocolError(400, "missing 'query' or 'update' parameter");
    }
    if (request.contentType === SPARQL_QUERY) return this.queries.query(this.directBody(request, 'query'), request);
    if (request.contentType === SPARQL_UPDATE) return this.updates.update(this.directBody(request, 'update'), request);
    throw unsupported(request, [SPARQL_QUERY, SPARQL_UPDATE]);
  }

  /** POST /update: a form with update=, or an update sent directly. */
  postUpdate(request: ProtocolRequest): Promise<ProtocolResponse> {
    if (request.isForm) {
      if (request.params.has('query')) throw new ProtocolError(400, "the update endpoint does not take 'query'; use /sparql");
      const update = request.params.one('update');
      if (update === undefined) throw new ProtocolError(400, "missing 'update' parameter");
      return this.updates.update(update, request);
    }
    if (request.contentType === SPARQL_UPDATE) return this.updates.update(this.directBody(request, 'update'), request);
    throw unsupported(request, [SPARQL_UPDATE]);
  }

  private directBody(request: ProtocolRequest, param: 'query' | 'update'): string {
    // §2.1.3 / §2.2.2: with a direct POST the operation must not also be in the URL.
    if (request.params.has(param)) throw new ProtocolError(400, `'${param}' must not be in the URL when the body is the ${param}`);
    return request.body ?? '';
  }
}

function unsupported(request: ProtocolRequest, direct: string[]): ProtocolError {
  const accepted = ['application/x-www-form-urlencoded', ...direct].join(', ');
  return new ProtocolError(415, `unsupported content type '${request.contentType ?? '(none)'}'; use one of: ${accepted}`, { accept: accepted });
}
