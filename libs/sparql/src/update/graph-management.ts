import type * as RDF from '@rdfjs/types';
import type * as S from 'sparqljs';
import { factory, termKey, type NamedNode, type Quad } from '../rdf/terms';
import type { UpdateContext } from './update-context';
import { withFreshBlankNodes } from './fresh-blank-nodes';
import { UpdateError } from './update-errors';

/*
 * Graph management (§3.2) on a store where a named graph exists iff it holds at least one
 * quad (no empty graphs are recorded) and the default graph always exists. Consequences:
 * CREATE of an empty graph does nothing (the graph appears with its first quad); CREATE
 * of a non-empty graph, and CLEAR/DROP/COPY/MOVE/ADD naming an empty named graph where
 * the spec requires it to exist, fail unless SILENT. CLEAR and DROP are the same thing.
 */

type GraphName = NamedNode | RDF.DefaultGraph;

function graphOf(ref: S.GraphOrDefault): GraphName {
  return ref.default || !ref.name ? factory.defaultGraph() : ref.name;
}

function describe(g: GraphName): string {
  return g.termType === 'DefaultGraph' ? 'DEFAULT' : `<${g.value}>`;
}

async function quadsOf(g: GraphName, ctx: UpdateContext): Promise<Quad[]> {
  const out: Quad[] = [];
  for await (const batch of ctx.overlay.match({ g }, { signal: ctx.options.signal })) out.push(...batch);
  return out;
}

async function clearGraph(g: GraphName, ctx: UpdateContext): Promise<void> {
  for (const q of await quadsOf(g, ctx)) ctx.overlay.delete(q);
}

async function requireExisting(g: GraphName, ctx: UpdateContext): Promise<void> {
  if (g.termType === 'NamedNode' && !(await ctx.overlay.hasQuads(g))) throw new UpdateError(`graph ${describe(g)} does not exist`);
}

/** Runs an operation; with SILENT any UpdateError it raises is dropped (and it has no effect). */
async function silently(silent: boolean, run: () => Promise<void>): Promise<void> {
  if (!silent) return run();
  try {
    await run();
  } catch (e) {
    if (!(e instanceof UpdateError)) throw e;
  }
}

/** CLEAR and DROP (§3.2.2, §3.2.3): identical when empty graphs are not recorded. */
export async function clearOrDrop(op: S.ClearDropOperation, ctx: UpdateContext): Promise<void> {
  await silently(op.silent, async () => {
    const ref = op.graph;
    if (ref.all) {
      for (const q of await quadsOf(factory.defaultGraph(), ctx)) ctx.overlay.delete(q);
      for (const g of await namedGraphs(ctx)) await clearGraph(g, ctx);
    } else if (ref.named) {
      for (const g of await namedGraphs(ctx)) await clearGraph(g, ctx);
    } else {
      const g = graphOf(ref);
      await requireExisting(g, ctx);
      await clearGraph(g, ctx);
    }
  });
}

async function namedGraphs(ctx: UpdateContext): Promise<NamedNode[]> {
  const out: NamedNode[] = [];
  for await (const g of ctx.overlay.graphs()) out.push(g);
  return out;
}

/** CREATE (§3.2.1): fails for a graph that exists; otherwise nothing to record. */
export async function create(op: S.CreateOperation, ctx: UpdateContext): Promise<void> {
  await silently(op.silent, async () => {
    const g = graphOf(op.graph);
    if (g.termType === 'DefaultGraph' || (await ctx.overlay.hasQuads(g))) throw new UpdateError(`graph ${describe(g)} already exists`);
  });
}

/** LOAD (§3.1.4) through the injected loader; triples go into the target graph. */
export async function load(op: S.LoadOperation, ctx: UpdateContext): Promise<void> {
  const loader = ctx.options.loader;
  const target: GraphName = op.destination ? op.destination : factory.defaultGraph();
  await silently(op.silent, async () => {
    if (!loader) throw new UpdateError(`LOAD <${op.source.value}>: loading documents is not enabled`);
    // Only a fully read document is applied: a failed SILENT load leaves the store untouched.
    let loaded: Quad[] = [];
    try {
      for await (const q of loader(op.source.value, ctx.options.signal)) loaded.push(factory.quad(q.subject, q.predicate, q.object, target));
      loaded = withFreshBlankNodes(loaded);
    } catch (e) {
      throw new UpdateError(`LOAD <${op.source.value}> failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const q of loaded) ctx.overlay.insert(q);
  });
}

/** ADD, COPY and MOVE (§3.2.4–3.2.6). The source must exist; same source and target is a no-op. */
export async function copyMoveAdd(op: S.CopyMoveAddOperation, ctx: UpdateContext): Promise<void> {
  await silently(op.silent, async () => {
    const source = graphOf(op.source);
    const target = graphOf(op.destination);
    await requireExisting(source, ctx);
    if (termKey(source) === termKey(target)) return;
    const quads = await quadsOf(source, ctx);
    if (op.type !== 'add') await clearGraph(target, ctx);
    for (const q of quads) ctx.overlay.insert(factory.quad(q.subject, q.predicate, q.object, target));
    if (op.type === 'move') for (const q of quads) ctx.overlay.delete(q);
  });
}
