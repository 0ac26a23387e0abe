import type * as RDF from '@rdfjs/types';
import type * as S from 'sparqljs';
import type { Binding } from '../eval/binding';
import { factory, type BlankNode, type NamedNode, type Quad, type Term } from '../rdf/terms';
import { freshBlankNode } from './fresh-blank-nodes';
import { UpdateError } from './update-errors';

/** One template triple with the graph it goes to (a variable graph comes from GRAPH ?g). */
export interface QuadTemplate {
  s: Term;
  p: Term;
  o: Term;
  g: NamedNode | RDF.DefaultGraph | RDF.Variable;
}

/**
 * Flattens sparqljs quad blocks into quad templates. Triples outside GRAPH go to `withGraph`
 * (the WITH clause) or the default graph.
 */
export function quadTemplates(blocks: S.Quads[], withGraph?: NamedNode): QuadTemplate[] {
  const out: QuadTemplate[] = [];
  for (const block of blocks) {
    const g: QuadTemplate['g'] = block.type === 'graph' ? block.name : (withGraph ?? factory.defaultGraph());
    for (const t of block.triples) {
      if (!('termType' in t.predicate)) throw new UpdateError('property paths are not allowed in update templates');
      out.push({ s: t.subject, p: t.predicate, o: t.object, g });
    }
  }
  return out;
}

/** DELETE templates must not contain blank nodes (§3.1.3: they could never match). */
export function assertNoBlankNodes(templates: QuadTemplate[]): void {
  for (const t of templates) {
    if ([t.s, t.p, t.o].some((x) => x.termType === 'BlankNode')) {
      throw new UpdateError('blank nodes are not allowed in DELETE templates');
    }
  }
}

/**
 * Instantiates templates for one solution (§3.1.3): blank nodes map through `fresh` (one map
 * per solution for INSERT, one per operation for INSERT DATA); a triple with an unbound
 * variable, or a term in a position RDF does not allow, is skipped.
 */
export function instantiate(templates: QuadTemplate[], solution: Binding, fresh: Map<string, BlankNode>): Quad[] {
  const out: Quad[] = [];
  for (const t of templates) {
    const s = ground(t.s, solution, fresh);
    const p = ground(t.p, solution, fresh);
    const o = ground(t.o, solution, fresh);
    const g = t.g.termType === 'Variable' ? solution.get(t.g.value) : t.g;
    if (!s || !p || !o || !g) continue;
    if (s.termType !== 'NamedNode' && s.termType !== 'BlankNode') continue;
    if (p.termType !== 'NamedNode') continue;
    if (o.termType !== 'NamedNode' && o.termType !== 'BlankNode' && o.termType !== 'Literal') continue;
    if (g.termType !== 'NamedNode' && g.termType !== 'DefaultGraph') continue;
    out.push(factory.quad(s, p, o, g));
  }
  return out;
}

function ground(t: Term, solution: Binding, fresh: Map<string, BlankNode>): Term | undefined {
  if (t.termType === 'Variable') return solution.get(t.value);
  if (t.termType !== 'BlankNode') return t;
  let node = fresh.get(t.value);
  if (!node) fresh.set(t.value, (node = freshBlankNode()));
  return node;
}
