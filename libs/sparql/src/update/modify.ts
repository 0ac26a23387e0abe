import type * as S from 'sparqljs';
import type { Binding } from '../eval/binding';
import { EMPTY_BINDING } from '../eval/binding';
import type { BlankNode, Quad } from '../rdf/terms';
import { assertNoBlankNodes, instantiate, quadTemplates, type QuadTemplate } from './templates';
import type { UpdateContext } from './update-context';
import { UpdateError } from './update-errors';
import { whereSolutions, type WhereDataset } from './where-solutions';

/** INSERT DATA (§3.1.1): blank nodes are fresh for the operation, shared across its graphs. */
export function insertData(blocks: S.Quads[], ctx: UpdateContext): void {
  const quads = instantiate(quadTemplates(blocks), EMPTY_BINDING, new Map());
  for (const q of quads) ctx.overlay.insert(q);
}

/** DELETE DATA (§3.1.2): ground quads only (the parser rejects variables and blank nodes). */
export function deleteData(blocks: S.Quads[], ctx: UpdateContext): void {
  const templates = quadTemplates(blocks);
  assertNoBlankNodes(templates);
  for (const q of instantiate(templates, EMPTY_BINDING, new Map())) ctx.overlay.delete(q);
}

/** DELETE WHERE (§3.1.3.3): the template is also the pattern. */
export async function deleteWhere(blocks: S.Quads[], ctx: UpdateContext): Promise<void> {
  const templates = quadTemplates(blocks);
  assertNoBlankNodes(templates);
  const where: S.Pattern[] = blocks.map((b) =>
    b.type === 'graph' ? { type: 'graph', name: b.name, patterns: [{ type: 'bgp', triples: b.triples }] } : { type: 'bgp', triples: b.triples },
  );
  const solutions = await whereSolutions(where, ctx.overlay, datasetFor(undefined, undefined, ctx), ctx.options);
  apply(templates, [], solutions, ctx);
}

type InsertDelete = Extract<S.InsertDeleteOperation, { updateType: 'insertdelete' }>;

/** DELETE/INSERT ... WHERE (§3.1.3): all solutions first, then every delete, then every insert. */
export async function modify(op: InsertDelete, ctx: UpdateContext): Promise<void> {
  const deletes = quadTemplates(op.delete ?? [], op.graph);
  const inserts = quadTemplates(op.insert ?? [], op.graph);
  assertNoBlankNodes(deletes);
  const solutions = await whereSolutions(op.where ?? [], ctx.overlay, datasetFor(op.using, op.graph, ctx), ctx.options);
  apply(deletes, inserts, solutions, ctx);
}

function apply(deletes: QuadTemplate[], inserts: QuadTemplate[], solutions: Binding[], ctx: UpdateContext): void {
  const toDelete: Quad[] = [];
  const toInsert: Quad[] = [];
  for (const solution of solutions) {
    toDelete.push(...instantiate(deletes, solution, new Map()));
    // Blank nodes in an INSERT template are fresh for every solution.
    toInsert.push(...instantiate(inserts, solution, new Map<string, BlankNode>()));
  }
  for (const q of toDelete) ctx.overlay.delete(q);
  for (const q of toInsert) ctx.overlay.insert(q);
}

function datasetFor(using: InsertDelete['using'], withGraph: InsertDelete['graph'], ctx: UpdateContext): WhereDataset {
  const hasUsing = using !== undefined && (using.default.length > 0 || using.named.length > 0);
  const protocol = ctx.options.dataset;
  if (protocol && (protocol.defaultGraphs.length > 0 || protocol.namedGraphs.length > 0)) {
    if (hasUsing || withGraph) {
      throw new UpdateError('using-graph-uri/using-named-graph-uri cannot be combined with USING, USING NAMED or WITH in the request');
    }
    return { kind: 'using', dataset: protocol };
  }
  if (hasUsing) return { kind: 'using', dataset: { defaultGraphs: using.default, namedGraphs: using.named } };
  if (withGraph) return { kind: 'with', graph: withGraph };
  return { kind: 'store' };
}
