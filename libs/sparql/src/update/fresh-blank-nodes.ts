import { randomBytes } from 'node:crypto';
import { blankNode, factory, type BlankNode, type Quad, type Term } from '../rdf/terms';

/*
 * Blank nodes an update creates must be new to the whole store, which outlives this process
 * and is written by several coordinators: n3's default labels (a per-process counter) would
 * collide after a restart or across processes. A random per-process prefix prevents that.
 */
const PROCESS_PREFIX = `u${randomBytes(8).toString('hex')}`;
let counter = 0;

export function freshBlankNode(): BlankNode {
  return blankNode(`${PROCESS_PREFIX}_${(counter++).toString(36)}`);
}

/**
 * Gives every blank node of a document a fresh label, keeping equal labels equal: for LOAD
 * and Graph Store uploads, whose parsed labels are only unique within the document.
 */
export function withFreshBlankNodes(quads: Iterable<Quad>): Quad[] {
  const labels = new Map<string, BlankNode>();
  const fresh = <T extends Term>(t: T): T | BlankNode => {
    if (t.termType !== 'BlankNode') return t;
    let node = labels.get(t.value);
    if (!node) labels.set(t.value, (node = freshBlankNode()));
    return node;
  };
  const out: Quad[] = [];
  for (const q of quads) {
    out.push(factory.quad(fresh(q.subject) as Quad['subject'], q.predicate, fresh(q.object) as Quad['object'], q.graph));
  }
  return out;
}
