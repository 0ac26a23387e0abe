import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser } from 'n3';
import * as oxigraph from 'oxigraph';
import { factory, type Quad, type Term } from '@quarry/sparql';

export function fileIri(path: string): string {
  return pathToFileURL(path).href;
}

/** Oxigraph terms are RDF/JS-shaped but not n3 terms; rebuild them so `equals` works. */
function fromOxigraph(t: { termType: string; value: string; language?: string; datatype?: { value: string } }): Term {
  switch (t.termType) {
    case 'NamedNode':
      return factory.namedNode(t.value);
    case 'BlankNode':
      return factory.blankNode(t.value);
    case 'Literal':
      return factory.literal(t.value, t.language || factory.namedNode(t.datatype?.value ?? ''));
    default:
      return factory.defaultGraph();
  }
}

/** Parses an RDF file (Turtle/N-Triples/N-Quads/TriG via n3, RDF/XML via oxigraph). */
export function readRdfFile(path: string, baseIri = fileIri(path)): Quad[] {
  const text = readFileSync(path, 'utf8');
  if (extname(path) === '.rdf') {
    const quads = oxigraph.parse(text, { format: 'application/rdf+xml', base_iri: baseIri });
    return quads.map((q) =>
      factory.quad(fromOxigraph(q.subject) as Quad['subject'], fromOxigraph(q.predicate) as Quad['predicate'], fromOxigraph(q.object) as Quad['object']),
    );
  }
  const format = extname(path) === '.nq' ? 'N-Quads' : extname(path) === '.trig' ? 'TriG' : 'Turtle';
  return new Parser({ baseIRI: baseIri, format }).parse(text);
}
