import type { QueryResult } from '../engine/query-result';
import { writeBooleanJson, writeBooleanText, writeBooleanXml, writeCsv, writeSparqlJson, writeSparqlXml, writeTsv, type Chunks } from './bindings-writers';
import { writeJsonLd, writeNQuads, writeTurtleLike } from './graph-writers';

/** Serialises a query result in a media type chosen by `negotiate`. */
export function serializeResult(result: QueryResult, mediaType: string): Chunks {
  switch (result.type) {
    case 'bindings':
      switch (mediaType) {
        case 'application/sparql-results+json':
          return writeSparqlJson(result.variables, result.bindings);
        case 'application/sparql-results+xml':
          return writeSparqlXml(result.variables, result.bindings);
        case 'text/csv':
          return writeCsv(result.variables, result.bindings);
        case 'text/tab-separated-values':
          return writeTsv(result.variables, result.bindings);
      }
      break;
    case 'boolean':
      switch (mediaType) {
        case 'application/sparql-results+json':
          return writeBooleanJson(result.value);
        case 'application/sparql-results+xml':
          return writeBooleanXml(result.value);
        case 'text/csv':
        case 'text/tab-separated-values':
          return writeBooleanText(result.value);
      }
      break;
    case 'quads':
      switch (mediaType) {
        case 'application/n-triples':
          return writeNQuads(result.quads, false);
        case 'application/n-quads':
          return writeNQuads(result.quads, true);
        case 'text/turtle':
          return writeTurtleLike(result.quads, 'Turtle');
        case 'application/trig':
          return writeTurtleLike(result.quads, 'TriG');
        case 'application/ld+json':
          return writeJsonLd(result.quads);
      }
      break;
  }
  throw new Error(`cannot serialise a ${result.type} result as ${mediaType}`);
}

/** Collects a serialisation into one string (tests and small results). */
export async function serializeToString(result: QueryResult, mediaType: string): Promise<string> {
  let out = '';
  for await (const chunk of serializeResult(result, mediaType)) out += chunk;
  return out;
}
