import { create } from '@bufbuild/protobuf';
import {
  PatternTermSchema,
  RdfTermSchema,
  SolutionRowSchema,
  StarScanReplySchema,
  StarScanRequestSchema,
  TermKind,
  TriplePatternSchema,
  type PatternTerm as WirePatternTerm,
  type SolutionRow,
  type TriplePattern as WireTriple,
} from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import { defineMethod } from '@quarry/transport';
import { DataFactory } from 'n3';
import { BadTermError, termFromWire, termToWire } from './term-codec';

/** Reads only; a page lost with its reply is asked for again with the same cursor. */
export const StoreStarScan = defineMethod({ name: 'StarScan', request: StarScanRequestSchema, response: StarScanReplySchema, idempotent: true });

/** A triple pattern whose positions are constants or RDF/JS variables. */
export interface StarTriple {
  s: Term;
  p: Term;
  o: Term;
}

function positionToWire(t: Term): WirePatternTerm {
  if (t.termType === 'Variable') return create(PatternTermSchema, { value: { case: 'variable', value: t.value } });
  return create(PatternTermSchema, { value: { case: 'term', value: termToWire(t) } });
}

function positionFromWire(w: WirePatternTerm | undefined): Term {
  switch (w?.value.case) {
    case 'variable':
      if (!w.value.value) throw new BadTermError('empty variable name');
      return DataFactory.variable(w.value.value);
    case 'term':
      return termFromWire(w.value.value);
    default:
      throw new BadTermError('a pattern position needs a variable or a term');
  }
}

export function starToWire(patterns: readonly StarTriple[]): WireTriple[] {
  return patterns.map((p) => create(TriplePatternSchema, { subject: positionToWire(p.s), predicate: positionToWire(p.p), object: positionToWire(p.o) }));
}

export function starFromWire(patterns: readonly WireTriple[]): StarTriple[] {
  if (patterns.length === 0) throw new BadTermError('a star needs at least one pattern');
  const out = patterns.map((p) => ({ s: positionFromWire(p.subject), p: positionFromWire(p.predicate), o: positionFromWire(p.object) }));
  const subject = out[0].s;
  if (out.some((p) => !p.s.equals(subject))) throw new BadTermError('every pattern of a star has the same subject');
  return out;
}

const UNBOUND = create(RdfTermSchema, {});

/** One solution as values aligned with `variables` (unbound = an unspecified term). */
export function rowToWire(variables: readonly string[], solution: ReadonlyMap<string, Term>, seed = 0): SolutionRow {
  return create(SolutionRowSchema, {
    seed,
    values: variables.map((v) => {
      const t = solution.get(v);
      return t ? termToWire(t) : UNBOUND;
    }),
  });
}

export function rowFromWire(variables: readonly string[], row: SolutionRow): Map<string, Term> {
  if (row.values.length !== variables.length) throw new BadTermError(`a row has ${row.values.length} values for ${variables.length} variables`);
  const out = new Map<string, Term>();
  for (let i = 0; i < variables.length; i++) {
    if (row.values[i].kind !== TermKind.UNSPECIFIED) out.set(variables[i], termFromWire(row.values[i]));
  }
  return out;
}
