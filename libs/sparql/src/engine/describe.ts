import { matchActiveGraph } from '../eval/active-graph';
import type { BindingStream } from '../eval/batching';
import type { EvalContext } from '../eval/context';
import { termKey, type NamedNode, type Quad, type Term, type Variable } from '../rdf/terms';

/**
 * DESCRIBE (§16.4) as the concise bounded description of each resource: its outgoing
 * triples in the default graph, recursively following blank-node objects.
 */
export async function* describe(targets: Array<NamedNode | Variable>, solutions: BindingStream, ctx: EvalContext): AsyncIterable<Quad[]> {
  const resources = new Map<string, Term>();
  for (const t of targets) if (t.termType === 'NamedNode') resources.set(termKey(t), t);
  const variables = targets.filter((t): t is Variable => t.termType === 'Variable').map((t) => t.value);
  if (variables.length > 0) {
    for await (const batch of solutions) {
      for (const b of batch) {
        for (const v of variables) {
          const value = b.get(v);
          if (value && value.termType !== 'Literal') resources.set(termKey(value), value);
        }
      }
    }
  }
  const visited = new Set<string>();
  const seenTriples = new Set<string>();
  const queue = [...resources.values()];
  while (queue.length > 0) {
    const node = queue.shift()!;
    const key = termKey(node);
    if (visited.has(key)) continue;
    visited.add(key);
    for await (const quads of matchActiveGraph(ctx, node, undefined, undefined)) {
      const out: Quad[] = [];
      for (const q of quads) {
        const tripleKey = `${termKey(q.subject)} ${termKey(q.predicate)} ${termKey(q.object)}`;
        if (seenTriples.has(tripleKey)) continue;
        seenTriples.add(tripleKey);
        out.push(q);
        if (q.object.termType === 'BlankNode') queue.push(q.object);
      }
      if (out.length > 0) yield out;
    }
  }
}
