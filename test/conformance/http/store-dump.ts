import { factory, type Quad, type Term } from '@quarry/sparql';
import { decodeResult } from './result-decoding';
import { expectSuccess, type SparqlHttpClient } from './sparql-http-client';

const ALL_QUADS = 'SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }';

type Subject = Quad['subject'];
type Predicate = Quad['predicate'];
type QuadObject = Quad['object'];
type Graph = Quad['graph'];

/** Every quad of the store (default graph and named graphs), read through a SELECT query. */
export async function dumpStore(client: SparqlHttpClient): Promise<Quad[]> {
  const answer = await client.query(ALL_QUADS, 'application/sparql-results+json');
  expectSuccess(answer, 'reading the store back');
  const result = decodeResult(answer);
  if (result.kind !== 'bindings') throw new Error(`reading the store back: expected bindings, got ${result.kind}`);
  return result.rows.map((row) => {
    const term = (name: string): Term => {
      const t = row.get(name);
      if (!t) throw new Error(`reading the store back: unbound ?${name}`);
      return t;
    };
    const graph: Graph = row.has('g') ? (term('g') as Graph) : factory.defaultGraph();
    return factory.quad(term('s') as Subject, term('p') as Predicate, term('o') as QuadObject, graph);
  });
}
