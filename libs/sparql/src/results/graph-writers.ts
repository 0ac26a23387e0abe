import { Writer } from 'n3';
import type { Quad, Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import type { Chunks } from './bindings-writers';
import { termToNt } from './term-syntax';

/** N-Triples / N-Quads, written line by line so output streams. */
export async function* writeNQuads(quads: AsyncIterable<Quad[]>, withGraphs: boolean): Chunks {
  for await (const batch of quads) {
    let chunk = '';
    for (const q of batch) {
      const graph = withGraphs && q.graph.termType !== 'DefaultGraph' ? ` ${termToNt(q.graph)}` : '';
      chunk += `${termToNt(q.subject)} ${termToNt(q.predicate)} ${termToNt(q.object)}${graph} .\n`;
    }
    if (chunk) yield chunk;
  }
}

/** Turtle / TriG through n3's Writer (buffers: prefix compaction needs the whole graph). */
export async function* writeTurtleLike(quads: AsyncIterable<Quad[]>, format: 'Turtle' | 'TriG', prefixes: Record<string, string> = {}): Chunks {
  const writer = new Writer({ format, prefixes });
  for await (const batch of quads) writer.addQuads(format === 'Turtle' ? batch.map(asTriple) : batch);
  yield await new Promise<string>((resolve, reject) => writer.end((error, result: string) => (error ? reject(error) : resolve(result))));
}

function asTriple(q: Quad): Quad {
  return q.graph.termType === 'DefaultGraph' ? q : ({ ...q, graph: { termType: 'DefaultGraph', value: '' } } as unknown as Quad);
}

function jsonLdValue(t: Term): Record<string, string> {
  if (t.termType === 'NamedNode') return { '@id': t.value };
  if (t.termType === 'BlankNode') return { '@id': `_:${t.value}` };
  if (t.termType === 'Literal') {
    if (t.language) return { '@value': t.value, '@language': t.language };
    if (t.datatype.value === xsd.string) return { '@value': t.value };
    return { '@value': t.value, '@type': t.datatype.value };
  }
  return {};
}

/** JSON-LD in expanded form: one node object per subject (per graph). */
export async function* writeJsonLd(quads: AsyncIterable<Quad[]>): Chunks {
  const graphs = new Map<string, Map<string, Record<string, unknown[]>>>();
  for await (const batch of quads) {
    for (const q of batch) {
      const g = q.graph.termType === 'DefaultGraph' ? '' : termToNt(q.graph);
      let nodes = graphs.get(g);
      if (!nodes) graphs.set(g, (nodes = new Map()));
      const id = q.subject.termType === 'BlankNode' ? `_:${q.subject.value}` : q.subject.value;
      let node = nodes.get(id);
      if (!node) nodes.set(id, (node = { '@id': [id] }));
      const key = q.predicate.value === 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type' && q.object.termType !== 'Literal' ? '@type' : q.predicate.value;
      const value = key === '@type' ? (q.object.termType === 'BlankNode' ? `_:${q.object.value}` : q.object.value) : jsonLdValue(q.object);
      (node[key] ??= []).push(value);
    }
  }
  const toNodes = (nodes: Map<string, Record<string, unknown[]>>): unknown[] => [...nodes.values()].map((n) => ({ ...n, '@id': n['@id']?.[0] }));
  const top: unknown[] = toNodes(graphs.get('') ?? new Map());
  for (const [g, nodes] of graphs) {
    if (g === '') continue;
    top.push({ '@id': g.slice(1, -1), '@graph': toNodes(nodes) });
  }
  yield JSON.stringify(top);
}
