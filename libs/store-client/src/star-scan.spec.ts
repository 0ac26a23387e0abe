import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { TriplePatternSchema } from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import { create } from '@bufbuild/protobuf';
import { SolutionRowsSchema } from '@quarry/proto';
import { packSolutions, starFromWire, starToWire, unpackSolutions } from './star-scan';
import { BadTermError } from './term-codec';

const { namedNode, literal, variable, blankNode } = DataFactory;

describe('star scan wire format', () => {
  it('round-trips patterns with variables and constants, and solutions with unbound values', () => {
    const star = [
      { s: variable('x'), p: namedNode('http://ex/p'), o: literal('chat', 'fr') },
      { s: variable('x'), p: variable('q'), o: literal('1', namedNode('http://www.w3.org/2001/XMLSchema#integer')) },
    ];
    const back = starFromWire(starToWire(star));
    expect(back.map((t) => [t.s, t.p, t.o].map((x) => x.termType + x.value))).toEqual(star.map((t) => [t.s, t.p, t.o].map((x) => x.termType + x.value)));
    expect((back[0].o as ReturnType<typeof literal>).language).toBe('fr');
    const vars = ['a', 'b', 'c'];
    const c = namedNode('http://ex/c');
    const solutions = [
      new Map<string, Term>([
        ['a', blankNode('b0')],
        ['c', c],
      ]),
      new Map<string, Term>(),
      new Map<string, Term>([
        ['a', literal('chat', 'fr')],
        ['b', c],
        ['c', literal('1', namedNode('http://www.w3.org/2001/XMLSchema#integer'))],
      ]),
    ];
    const packed = create(SolutionRowsSchema, packSolutions(vars, solutions));
    // the IRI bound twice (one object) is sent once
    expect(packed.termKinds).toHaveLength(4);
    const unpacked = unpackSolutions(vars, packed);
    expect(unpacked.map((b) => [...b.keys()])).toEqual([['a', 'c'], [], ['a', 'b', 'c']]);
    unpacked.forEach((b, i) => expect([...b].every(([v, t]) => t.equals(solutions[i].get(v)!))).toBe(true));
    // rows over no variables are counted, not lost
    expect(unpackSolutions([], create(SolutionRowsSchema, packSolutions([], [new Map(), new Map()])))).toHaveLength(2);
    expect(unpackSolutions(vars, undefined)).toEqual([]);
  });

  it('refuses stars whose patterns do not share a subject, empty stars and misaligned or dangling rows', () => {
    const wire = starToWire([
      { s: variable('x'), p: namedNode('http://ex/p'), o: variable('o') },
      { s: variable('y'), p: namedNode('http://ex/p'), o: variable('o') },
    ]);
    expect(() => starFromWire(wire)).toThrow(/same subject/);
    expect(() => starFromWire([])).toThrow(BadTermError);
    expect(() => starFromWire([create(TriplePatternSchema, {})])).toThrow(/variable or a term/);
    expect(() => unpackSolutions(['a'], create(SolutionRowsSchema, packSolutions(['a', 'b'], [new Map()])))).toThrow(/2 values for 1 rows of 1 variables/);
    const pastTheTable = create(SolutionRowsSchema, { ...packSolutions(['a'], [new Map([['a', namedNode('http://ex/a')]])]), cells: [2] });
    expect(() => unpackSolutions(['a'], pastTheTable)).toThrow(/past the table/);
  });
});
