import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  PatternTermSchema,
  SolutionRowsSchema,
  StarScanReplySchema,
  StarScanRequestSchema,
  TriplePatternSchema,
  type PatternTerm as WirePatternTerm,
  type SolutionRows,
  type TriplePattern as WireTriple,
} from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import { defineMethod } from '@quarry/transport';
import { DataFactory } from 'n3';
import { termsOfTable, TermTableBuilder } from './scan-page';
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

/** Solutions as SolutionRows carries them (the init shape a request or reply takes). */
export type PackedSolutions = MessageInitShape<typeof SolutionRowsSchema>;

/**
 * Packs solutions over a variable list, row by row: each distinct term once (told apart by
 * identity, see TermTableBuilder), each value as an index into them.
 */
export class SolutionRowsBuilder {
  private readonly terms = new TermTableBuilder();
  private readonly cells: number[] = [];
  private rows = 0;
  private text = 0;

  constructor(readonly variables: readonly string[]) {}

  add(solution: ReadonlyMap<string, Term>): void {
    for (const v of this.variables) {
      const t = solution.get(v);
      if (t === undefined) {
        this.cells.push(0);
        continue;
      }
      const before = this.terms.size;
      const i = this.terms.indexOf(t);
      if (this.terms.size > before) this.text += t.value.length;
      this.cells.push(i + 1);
    }
    this.rows++;
  }

  get count(): number {
    return this.rows;
  }

  /** About what the packed rows take on the wire. */
  get approximateBytes(): number {
    return this.text + 8 * this.terms.size + 3 * this.cells.length;
  }

  build(): PackedSolutions {
    return { ...this.terms.table(), cells: this.cells, count: this.rows };
  }
}

export function packSolutions(variables: readonly string[], solutions: Iterable<ReadonlyMap<string, Term>>): PackedSolutions {
  const b = new SolutionRowsBuilder(variables);
  for (const s of solutions) b.add(s);
  return b.build();
}

/** The solutions of packed rows (none when absent), each distinct term decoded once. */
export function unpackSolutions(variables: readonly string[], packed: SolutionRows | undefined): Map<string, Term>[] {
  if (!packed) return [];
  const terms = termsOfTable(packed, 'a solution table');
  const { cells, count } = packed;
  if (cells.length !== count * variables.length)
    throw new BadTermError(`solution rows hold ${cells.length} values for ${count} rows of ${variables.length} variables`);
  const out = new Array<Map<string, Term>>(count);
  for (let r = 0, c = 0; r < count; r++) {
    const row = new Map<string, Term>();
    for (let v = 0; v < variables.length; v++, c++) {
      const cell = cells[c];
      if (cell === 0) continue;
      const t = terms[cell - 1];
      if (t === undefined) throw new BadTermError(`a solution value points past the table's ${terms.length} terms`);
      row.set(variables[v], t);
    }
    out[r] = row;
  }
  return out;
}
