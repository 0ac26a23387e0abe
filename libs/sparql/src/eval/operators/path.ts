import type { Path, PatternTerm } from '../../algebra/algebra';
import { termKey, type Term } from '../../rdf/terms';
import { matchActiveGraph } from '../active-graph';
import { BatchBuffer, type BindingStream } from '../batching';
import type { Binding } from '../binding';
import { checkAborted, type EvalContext } from '../context';
import { resolve } from './bgp';

type Pair = [Term, Term];

function inverse(path: Path): Path {
  return { type: 'inv', path };
}

/** All (start, end) pairs of `path` with optionally fixed ends, with bag semantics (§18.4). */
async function* pairs(path: Path, s: Term | undefined, o: Term | undefined, ctx: EvalContext): AsyncIterable<Pair> {
  checkAborted(ctx);
  switch (path.type) {
    case 'link':
      for await (const quads of matchActiveGraph(ctx, s, path.iri, o)) for (const q of quads) yield [q.subject, q.object];
      return;
    case 'inv':
      for await (const [a, b] of pairs(path.path, o, s, ctx)) yield [b, a];
      return;
    case 'alt':
      for (const item of path.items) yield* pairs(item, s, o, ctx);
      return;
    case 'seq':
      yield* sequence(path.items, s, o, ctx);
      return;
    case 'nps':
      yield* negatedPropertySet(path.iris, path.inverse, s, o, ctx);
      return;
    case 'zeroOrOne':
    case 'zeroOrMore':
    case 'oneOrMore':
      yield* closure(path, s, o, ctx);
      return;
  }
}

async function* sequence(items: Path[], s: Term | undefined, o: Term | undefined, ctx: EvalContext): AsyncIterable<Pair> {
  const [first, ...rest] = items;
  if (first === undefined) return;
  if (rest.length === 0) {
    yield* pairs(first, s, o, ctx);
    return;
  }
  // Walk from the bound end so every step has a fixed start.
  if (s === undefined && o !== undefined) {
    const reversed = [...items].reverse().map(inverse);
    for await (const [a, b] of sequence(reversed, o, undefined, ctx)) yield [b, a];
    return;
  }
  const restPath: Path = { type: 'seq', items: rest };
  for await (const [a, mid] of pairs(first, s, undefined, ctx)) {
    for await (const [, b] of pairs(restPath, mid, o, ctx)) yield [a, b];
  }
}

async function* negatedPropertySet(iris: Term[], inverseIris: Term[], s: Term | undefined, o: Term | undefined, ctx: EvalContext): AsyncIterable<Pair> {
  const forbidden = new Set(iris.map(termKey));
  const forbiddenInverse = new Set(inverseIris.map(termKey));
  // `!(^a)` only has an inverse part; `!a` only a forward part; `!(a|^b)` both.
  const forward = iris.length > 0 || inverseIris.length === 0;
  if (forward) {
    for await (const quads of matchActiveGraph(ctx, s, undefined, o)) {
      for (const q of quads) if (!forbidden.has(termKey(q.predicate))) yield [q.subject, q.object];
    }
  }
  if (inverseIris.length > 0) {
    for await (const quads of matchActiveGraph(ctx, o, undefined, s)) {
      for (const q of quads) if (!forbiddenInverse.has(termKey(q.predicate))) yield [q.object, q.subject];
    }
  }
}

/** Every subject and object of the active graph: the candidates for zero-length paths. */
async function graphNodes(ctx: EvalContext): Promise<Term[]> {
  const nodes = new Map<string, Term>();
  for await (const quads of matchActiveGraph(ctx, undefined, undefined, undefined)) {
    for (const q of quads) {
      nodes.set(termKey(q.subject), q.subject);
      nodes.set(termKey(q.object), q.object);
    }
  }
  return [...nodes.values()];
}

/** Nodes reachable from `start` (set semantics); includes start itself when zero length is allowed. */
async function reachable(path: Path, start: Term, includeStart: boolean, oneStep: boolean, ctx: EvalContext): Promise<Term[]> {
  const seen = new Map<string, Term>();
  if (includeStart) seen.set(termKey(start), start);
  let frontier = [start];
  const visited = new Set<string>();
  while (frontier.length > 0) {
    const next: Term[] = [];
    for (const node of frontier) {
      const k = termKey(node);
      if (visited.has(k)) continue;
      visited.add(k);
      for await (const [, b] of pairs(path, node, undefined, ctx)) {
        const bk = termKey(b);
        if (!seen.has(bk)) seen.set(bk, b);
        next.push(b);
      }
    }
    if (oneStep) break;
    frontier = next;
  }
  return [...seen.values()];
}

async function* closure(
  path: Extract<Path, { type: 'zeroOrOne' | 'zeroOrMore' | 'oneOrMore' }>,
  s: Term | undefined,
  o: Term | undefined,
  ctx: EvalContext,
): AsyncIterable<Pair> {
  const includeStart = path.type !== 'oneOrMore';
  const oneStep = path.type === 'zeroOrOne';
  if (s === undefined && o !== undefined) {
    for await (const [a, b] of closure({ ...path, path: inverse(path.path) }, o, undefined, ctx)) yield [b, a];
    return;
  }
  // A literal is only a path start when it occurs in the graph (values_and_path test).
  if (s?.termType === 'Literal' && !(await occursInGraph(s, ctx))) return;
  const starts = s !== undefined ? [s] : await startNodes(path, ctx);
  for (const start of starts) {
    for (const end of await reachable(path.path, start, includeStart, oneStep, ctx)) {
      if (o === undefined || o.equals(end)) yield [start, end];
    }
  }
}

async function occursInGraph(term: Term, ctx: EvalContext): Promise<boolean> {
  for await (const quads of matchActiveGraph(ctx, undefined, undefined, term)) if (quads.length > 0) return true;
  return false;
}

async function startNodes(path: Extract<Path, { type: 'zeroOrOne' | 'zeroOrMore' | 'oneOrMore' }>, ctx: EvalContext): Promise<Term[]> {
  if (path.type !== 'oneOrMore') return graphNodes(ctx);
  const starts = new Map<string, Term>();
  for await (const [a] of pairs(path.path, undefined, undefined, ctx)) starts.set(termKey(a), a);
  return [...starts.values()];
}

/** Evaluates `s path o` under a seed solution, binding whichever ends are variables. */
export async function* evaluatePath(s: PatternTerm, path: Path, o: PatternTerm, ctx: EvalContext, seed: Binding): BindingStream {
  const start = resolve(s, seed);
  const end = resolve(o, seed);
  const sameVar = s.termType === 'Variable' && o.termType === 'Variable' && s.value === o.value && start === undefined;
  const buffer = new BatchBuffer(ctx.batchSize);
  for await (const [a, b] of pairs(path, start, end, ctx)) {
    if (sameVar && !a.equals(b)) continue;
    const out = new Map(seed);
    if (start === undefined && s.termType === 'Variable') out.set(s.value, a);
    if (end === undefined && o.termType === 'Variable') out.set(o.value, b);
    if (buffer.push(out)) yield buffer.take();
  }
  if (buffer.length > 0) yield buffer.take();
}
