import { BNODE_VAR_PREFIX, type PatternTerm, type TriplePattern } from '../algebra/algebra';
import type { BindingStream } from '../eval/batching';
import type { Binding } from '../eval/binding';
import { blankNode, factory, termKey, type BlankNode, type Quad, type Term } from '../rdf/terms';

/**
 * CONSTRUCT template instantiation (§16.2): blank nodes in the template become fresh blank
 * nodes per solution; triples with unbound variables or invalid positions are skipped and
 * the result is a set (duplicates removed).
 */
export async function* instantiateTemplate(template: TriplePattern[], solutions: BindingStream): AsyncIterable<Quad[]> {
  const seen = new Set<string>();
  for await (const batch of solutions) {
    const out: Quad[] = [];
    for (const b of batch) {
      const fresh = new Map<string, BlankNode>();
      for (const t of template) {
        const s = instantiate(t.s, b, fresh);
        const p = instantiate(t.p, b, fresh);
        const o = instantiate(t.o, b, fresh);
        if (!s || !p || !o) continue;
        if (s.termType === 'Literal' || p.termType !== 'NamedNode') continue;
        if (s.termType !== 'NamedNode' && s.termType !== 'BlankNode') continue;
        if (o.termType !== 'NamedNode' && o.termType !== 'BlankNode' && o.termType !== 'Literal') continue;
        const key = `${termKey(s)} ${termKey(p)} ${termKey(o)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(factory.quad(s, p, o));
      }
    }
    if (out.length > 0) yield out;
  }
}

function instantiate(t: PatternTerm, b: Binding, fresh: Map<string, BlankNode>): Term | undefined {
  if (t.termType !== 'Variable') return t;
  if (t.value.startsWith(`${BNODE_VAR_PREFIX}bnode:`)) {
    let node = fresh.get(t.value);
    if (!node) fresh.set(t.value, (node = blankNode()));
    return node;
  }
  return b.get(t.value);
}
