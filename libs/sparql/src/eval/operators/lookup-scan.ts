import type { PatternTerm, TriplePattern } from '../../algebra/algebra';
import { termKey, type Quad, type Term } from '../../rdf/terms';
import { estimateActiveGraph, matchActiveGraph } from '../active-graph';
import { checkMaterialized, type EvalContext } from '../context';

/** A pattern's constants under one solution: subject, predicate, object (undefined = free). */
export type Lookup = [Term | undefined, Term | undefined, Term | undefined];

export const lookupKey = (l: Lookup): string => l.map((t) => (t ? termKey(t) : '?')).join(' ');

/** Below this many distinct lookups in a batch, looking each up is cheap enough. */
const MIN_LOOKUPS = 32;
/**
 * A lookup (a range seek with its own read transaction and term-id resolution on a store, a
 * round trip from the coordinator) costs many times what reading and bucketing one quad of a
 * scan does; up to this many quads per lookup, one scan is the cheaper plan. Chosen, not
 * tuned: the LUBM path and OPTIONAL queries read about 1-3 quads per lookup that way.
 */
const SCAN_QUADS_PER_LOOKUP = 16;

/**
 * The matches of many lookups of one pattern, read with one scan of the pattern's constants
 * and bucketed by lookup (a hash join), when the estimates say that reads fewer index entries
 * than the lookups would: a join stage on a storage node that got 540 advisors as seeds reads
 * the region's 1,000 ub:advisor quads once instead of seeking 540 times. Undefined when the
 * lookups are better done one by one.
 *
 * Buckets are keyed by termKey; the caller still checks each match against its solution
 * (bindTriple compares bound values with equals), so a key shared by distinct terms cannot
 * join the wrong rows.
 */
export async function scanForLookups(pattern: TriplePattern, lookups: Map<string, Lookup>, ctx: EvalContext): Promise<Map<string, Quad[]> | undefined> {
  if (lookups.size < MIN_LOOKUPS) return undefined;
  const [s, p, o] = [constant(pattern.s), constant(pattern.p), constant(pattern.o)];
  if (s?.termType === 'Literal' || (p !== undefined && p.termType !== 'NamedNode')) return undefined;
  const estimate = await estimateActiveGraph(ctx, s, p, o);
  if (estimate > lookups.size * SCAN_QUADS_PER_LOOKUP) return undefined;
  // Lookups bind different positions when solutions bind different variables (after an
  // OPTIONAL): each shape of bound positions is matched on its own.
  const shapes = new Map<string, { positions: number[]; keys: Map<string, string[]> }>();
  const out = new Map<string, Quad[]>();
  for (const [key, l] of lookups) {
    out.set(key, []);
    const positions = [0, 1, 2].filter((i) => l[i] !== undefined && [s, p, o][i] === undefined);
    const shapeId = positions.join();
    let shape = shapes.get(shapeId);
    if (!shape) shapes.set(shapeId, (shape = { positions, keys: new Map() }));
    const bound = positions.map((i) => termKey(l[i]!)).join(' ');
    const sharing = shape.keys.get(bound);
    if (sharing) sharing.push(key);
    else shape.keys.set(bound, [key]);
  }
  // Only matches are kept: quads no lookup wants are dropped as they are read.
  let kept = 0;
  const shapeList = [...shapes.values()];
  const keyAt = (q: Quad, i: number): string => termKey(i === 0 ? q.subject : i === 1 ? q.predicate : q.object);
  for await (const quads of matchActiveGraph(ctx, s, p, o)) {
    for (const q of quads) {
      for (const { positions, keys } of shapeList) {
        // Usually one position (the join variable): no array or join per quad then.
        const bound = positions.length === 1 ? keyAt(q, positions[0]) : positions.map((i) => keyAt(q, i)).join(' ');
        const owners = keys.get(bound);
        if (!owners) continue;
        for (const k of owners) out.get(k)!.push(q);
        kept += owners.length;
      }
    }
    checkMaterialized(ctx, kept);
  }
  return out;
}

function constant(t: PatternTerm): Term | undefined {
  return t.termType === 'Variable' ? undefined : t;
}
