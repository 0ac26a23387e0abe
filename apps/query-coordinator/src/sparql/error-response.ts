import { QueryAbortedError, QueryLimitError, ServiceCallError, SparqlSyntaxError, UnsupportedQueryError, UpdateError } from '@quarry/sparql';
import { QuarryError } from '@quarry/transport';
import { ProtocolError } from './protocol-error';
import { textResponse, type ProtocolResponse } from './protocol-response';
import type { RequestDeadline } from './request-deadline';
import { RdfSyntaxError } from './rdf-syntax-error';

/** Where the message of a syntax error points, e.g. "line 2, column 7: ". */
function position(line?: number, column?: number): string {
  if (line === undefined) return '';
  return column === undefined ? `line ${line}: ` : `line ${line}, column ${column}: `;
}

const at = (pos: string): string => (pos ? ` at ${pos}` : ': ');

/**
 * Maps an evaluation failure to an HTTP answer. Returns undefined for an unexpected error
 * (the caller logs it and answers 500) and for a disconnected client (nobody to answer).
 */
export function errorResponse(e: unknown, deadline?: RequestDeadline): ProtocolResponse | undefined {
  if (e instanceof ProtocolError) return textResponse(e.status, e.message, e.headers);
  if (e instanceof SparqlSyntaxError) return textResponse(400, `syntax error${at(position(e.line, e.column))}${e.message}`);
  if (e instanceof RdfSyntaxError) return textResponse(400, `malformed RDF${at(position(e.line))}${e.message}`);
  // The SPARQL 1.1 Protocol keeps 400 for requests that are not valid SPARQL; a valid update
  // that cannot be carried out (e.g. DROP of a missing graph without SILENT) is a 500.
  if (e instanceof UpdateError) return textResponse(500, `update failed, nothing was changed: ${e.message}`);
  if (e instanceof UnsupportedQueryError) return textResponse(501, e.message);
  // The query was fine; the endpoint it federates to failed (RFC 9110 §15.6.3).
  if (e instanceof ServiceCallError) return textResponse(502, e.message);
  // Another transaction changed the same quads after this one's snapshot (RFC 9110 §15.5.10):
  // nothing was written; the client may run the update again on the new state.
  if (e instanceof QuarryError && e.code === 'ABORTED') return textResponse(409, `update aborted, nothing was changed: ${e.message}`);
  // A part of the cluster was unreachable or too slow (a node restarting, a leader changing).
  if (e instanceof QuarryError && (e.retryable || ['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'STALE_EPOCH'].includes(e.code))) {
    return textResponse(503, `the cluster could not serve the request: ${e.message}`, { 'retry-after': '1' });
  }
  if (e instanceof QueryLimitError) return textResponse(503, `query exceeds a server limit: ${e.message}`);
  if (deadline?.timedOut || (e instanceof QueryAbortedError && !deadline?.disconnected)) {
    return textResponse(503, `query timed out after ${deadline?.timeoutMs ?? 0} ms`, { 'retry-after': '1' });
  }
  return undefined;
}
