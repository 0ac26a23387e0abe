import type { Expr, PatternTerm, TriplePattern } from '../../algebra/algebra';
import { containsExists, expressionVariables } from '../../algebra/variables';
import type { Quad, Term } from '../../rdf/terms';
import { matchActiveGraph } from '../active-graph';
import { BatchBuffer, fromArray, loneSolution, type BindingStream } from '../batching';
import type { Binding } from '../binding';
import { LOOKUP_CONCURRENCY, mapConcurrent } from '../concurrent';
import { checkAborted, checkMaterialized, type EvalContext } from '../context';
import { pipelineBatches, REMOTE_PIPELINE } from '../pipeline';
import { isStarSource, starVariables } from '../../storage/star-source';
import { lookupKey, scanForLookups, type Lookup } from './lookup-scan';
import { planStars, starGraph, starStage } from './star';

/** The constant a pattern position has under a solution, or undefined if still a free variable. */
export function resolve(term: PatternTerm, b: Binding): Term | undefined {
  if (term.termType !== 'Variable') return term;
  return b.get(term.value);
}

/** Binds the pattern's free variables to a matched triple; undefined on a repeated-variable clash. */
export function bindTriple(pattern: TriplePattern, b: Binding, s: Term, p: Term, o: Term): Binding | undefined {
  let out: Map<string, Term> | undefined;
  const positions: Array<[PatternTerm, Term]> = [
    [pattern.s, s],
    [pattern.p, p],
    [pattern.o, o],
  ];
  for (const [position, value] of positions) {
    if (position.termType !== 'Variable') continue;
    const current = out?.get(position.value) ?? b.get(position.value);
    if (current !== undefined) {
      if (!current.equals(value)) return undefined;
      continue;
    }
    out ??= new Map(b);
    out.set(position.value, value);
  }
  return out ?? b;
}

/** The pattern's constants under a solution, or undefined when it cannot match anything. */
function lookupFor(pattern: TriplePattern, b: Binding): Lookup | undefined {
  const s = resolve(pattern.s, b);
  const p = resolve(pattern.p, b);
  const o = resolve(pattern.o, b);
  // Literals cannot be subjects; a bound non-IRI predicate matches nothing.
  if (s?.termType === 'Literal' || (p !== undefined && p.termType !== 'NamedNode')) return undefined;
  return [s, p, o];
}

async function collect(ctx: EvalContext, [s, p, o]: Lookup): Promise<Quad[]> {
  const out: Quad[] = [];
  for await (const quads of matchActiveGraph(ctx, s, p, o)) for (const q of quads) out.push(q);
  return out;
}

async function lookEachUp(lookups: Map<string, Lookup>, ctx: EvalContext): Promise<Map<string, Quad[]>> {
  const keys = [...lookups.keys()];
  const results = await mapConcurrent(keys, LOOKUP_CONCURRENCY, (k) => collect(ctx, lookups.get(k)!));
  return new Map(keys.map((k, i) => [k, results[i]]));
}

/**
 * One index-nested-loop stage: extends every input solution by the matches of one pattern.
 * A single input row (the first pattern) streams its matches; batches of rows look their
 * distinct lookups up concurrently, several batches in flight (see pipeline.ts), so a join
 * costs a few round trips, not one per row.
 */
async function* patternStage(input: BindingStream, pattern: TriplePattern, ctx: EvalContext): BindingStream {
  const buffer = new BatchBuffer(ctx.batchSize);
  const { lone, rest } = await loneSolution(input);
  if (lone !== undefined) {
    const lookup = lookupFor(pattern, lone);
    if (!lookup) return;
    for await (const quads of matchActiveGraph(ctx, ...lookup)) {
      for (const q of quads) {
        const out = bindTriple(pattern, lone, q.subject, q.predicate, q.object);
        if (out && buffer.push(out)) yield buffer.take();
      }
    }
    if (buffer.length > 0) yield buffer.take();
    return;
  }
  const extendBatch = async (batch: Binding[]): Promise<Binding[]> => {
    checkAborted(ctx);
    const lookups = batch.map((b) => lookupFor(pattern, b));
    const distinct = new Map<string, Lookup>();
    for (const l of lookups) if (l) distinct.set(lookupKey(l), l);
    const byKey = (await scanForLookups(pattern, distinct, ctx)) ?? (await lookEachUp(distinct, ctx));
    const out: Binding[] = [];
    for (let i = 0; i < batch.length; i++) {
      const l = lookups[i];
      if (!l) continue;
      for (const q of byKey.get(lookupKey(l))!) {
        const row = bindTriple(pattern, batch[i], q.subject, q.predicate, q.object);
        if (row) out.push(row);
      }
    }
    checkMaterialized(ctx, out.length);
    return out;
  };
  for await (const [, rows] of pipelineBatches(rest, REMOTE_PIPELINE, extendBatch)) {
    for (const row of rows) if (buffer.push(row)) yield buffer.take();
  }
  if (buffer.length > 0) yield buffer.take();
}

/** Evaluates a BGP (patterns already ordered by the optimiser) starting from a seed solution. */
export function evaluateBgp(patterns: TriplePattern[], ctx: EvalContext, seed: Binding, filters: Expr[] = []): BindingStream {
  return evaluateBgpFrom(
    (async function* () {
      yield [seed];
    })(),
    patterns,
    ctx,
    filters,
  );
}

/**
 * Join(input, BGP): extends every input solution by the BGP's matches. A source that can
 * evaluate stars gets one star (the patterns around one subject) per stage; any other source
 * one pattern per stage.
 */
export function evaluateBgpFrom(input: BindingStream, patterns: TriplePattern[], ctx: EvalContext, filters: Expr[] = []): BindingStream {
  const graph = isStarSource(ctx.source) ? starGraph(ctx) : undefined;
  if (graph && isStarSource(ctx.source)) {
    const conjuncts = filters.flatMap(conjunctsOf);
    let stream = input;
    for (const star of planStars(patterns)) {
      const single = (seeds: Binding[]): BindingStream => patternStages(fromArray(seeds, 1), star, ctx);
      const bound = new Set(starVariables(star));
      const own = conjuncts.filter((c) => !containsExists(c) && [...expressionVariables(c)].every((v) => bound.has(v)));
      stream = starStage(stream, { patterns: star, graph, filters: own }, ctx.source, ctx, single);
    }
    return stream;
  }
  return patternStages(input, patterns, ctx);
}

/** One index-nested-loop stage per pattern, in the given order. */
export function patternStages(input: BindingStream, patterns: TriplePattern[], ctx: EvalContext): BindingStream {
  let stream = input;
  for (const pattern of patterns) stream = patternStage(stream, pattern, ctx);
  return stream;
}

/** The parts of a conjunction, each of which can be checked on its own. */
function conjunctsOf(e: Expr): Expr[] {
  return e.type === 'call' && e.name === '&&' && e.args.length === 2 ? e.args.flatMap(conjunctsOf) : [e];
}
