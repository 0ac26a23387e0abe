import { Parser } from 'n3';
import { parseSrj, type ResultSet } from '../expected-results';
import { parseSrx } from '../srx-parser';
import type { HttpAnswer } from './sparql-http-client';

const GRAPH_FORMATS: Record<string, string> = {
  'application/n-triples': 'N-Triples',
  'application/n-quads': 'N-Quads',
  'text/turtle': 'Turtle',
  'application/trig': 'TriG',
};

/** Reads a query answer (SPARQL JSON/XML results, or an RDF graph) as a ResultSet. */
export function decodeResult(answer: HttpAnswer): ResultSet {
  if (answer.mediaType === 'application/sparql-results+json') return parseSrj(answer.body);
  if (answer.mediaType === 'application/sparql-results+xml') return parseSrx(answer.body);
  const format = GRAPH_FORMATS[answer.mediaType];
  if (format) return { kind: 'graph', quads: new Parser({ format }).parse(answer.body) };
  throw new Error(`unexpected result media type '${answer.mediaType}'`);
}
