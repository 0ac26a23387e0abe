import { blankNode, typedLiteral, type BlankNode, type Literal, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';

/** Per-query state functions may need. */
export interface CallContext {
  /** NOW() is constant for one query execution. */
  readonly now: Literal;
  readonly baseIri?: string;
  /** BNODE(label) returns the same blank node for the same label within one solution. */
  bnodeFor(label: string): BlankNode;
  freshBnode(): BlankNode;
}

export type FunctionImpl = (args: Term[], ctx: CallContext) => Term;

/** A call context whose BNODE(label) map is fresh: one per solution, as §17.4.2.9 requires. */
export function withRowScope(ctx: CallContext): CallContext {
  const labels = new Map<string, BlankNode>();
  return {
    now: ctx.now,
    baseIri: ctx.baseIri,
    freshBnode: () => ctx.freshBnode(),
    bnodeFor: (label) => {
      let b = labels.get(label);
      if (!b) labels.set(label, (b = ctx.freshBnode()));
      return b;
    },
  };
}

/** A fresh per-query context: NOW() fixed for the whole query, BNODE(label) stable within it. */
export function newCallContext(baseIri: string | undefined): CallContext {
  const now = typedLiteral(new Date().toISOString(), xsd.dateTime);
  const labels = new Map<string, BlankNode>();
  return {
    now,
    baseIri,
    freshBnode: () => blankNode(),
    bnodeFor: (label) => {
      let b = labels.get(label);
      if (!b) labels.set(label, (b = blankNode()));
      return b;
    },
  };
}
