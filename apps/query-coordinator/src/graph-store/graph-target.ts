import type * as RDF from '@rdfjs/types';
import { factory, type NamedNode } from '@quarry/sparql';
import { absoluteIri } from '../sparql/graph-iris';
import { ProtocolError } from '../sparql/protocol-error';
import type { ProtocolRequest } from '../sparql/protocol-request';

/** The graph a Graph Store request addresses (§4.2 indirect identification). */
export type GraphTarget = NamedNode | RDF.DefaultGraph;

/** Where graphs created by POST to the store live; their URL is their name (§4.1 direct identification). */
export const DIRECT_GRAPHS_PATH = '/store/graphs/';

/**
 * The request URL itself under /store/graphs/, else `?graph=IRI` or `?default`; undefined
 * when none is given (POST may then create a graph).
 */
export function graphTarget(request: ProtocolRequest): GraphTarget | undefined {
  if (request.url.pathname.startsWith(DIRECT_GRAPHS_PATH)) return factory.namedNode(`${request.url.origin}${request.url.pathname}`);
  const params = request.params;
  const graph = params.one('graph');
  const isDefault = params.has('default');
  if (graph !== undefined && isDefault) throw new ProtocolError(400, "give either 'graph' or 'default', not both");
  if (isDefault) return factory.defaultGraph();
  return graph === undefined ? undefined : absoluteIri(graph, 'graph');
}

export function requireGraphTarget(request: ProtocolRequest): GraphTarget {
  const target = graphTarget(request);
  if (!target) throw new ProtocolError(400, "missing 'graph' or 'default' parameter");
  return target;
}
