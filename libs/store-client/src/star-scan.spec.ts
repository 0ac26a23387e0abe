import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { TriplePatternSchema } from '@quarry/proto';
import type { Term } from '@quarry/rdf';
import { rowFromWire, rowToWire, starFromWire, starToWire } from './star-scan';
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
    const row = rowToWire(
      vars,
      new Map<string, Term>([
        ['a', blankNode('b0')],
        ['c', namedNode('http://ex/c')],
      ]),
      7,
    );
    expect(row.seed).toBe(7);
    const solution = rowFromWire(vars, row);
    expect([...solution.keys()]).toEqual(['a', 'c']);
    expect(solution.get('a')!.equals(blankNode('b0'))).toBe(true);
  });

  it('refuses stars whose patterns do not share a subject, empty stars and misaligned rows', () => {
    const wire = starToWire([
      { s: variable('x'), p: namedNode('http://ex/p'), o: variable('o') },
      { s: variable('y'), p: namedNode('http://ex/p'), o: variable('o') },
    ]);
    expect(() => starFromWire(wire)).toThrow(/same subject/);
    expect(() => starFromWire([])).toThrow(BadTermError);
    expect(() => starFromWire([create(TriplePatternSchema, {})])).toThrow(/variable or a term/);
    expect(() => rowFromWire(['a'], rowToWire(['a', 'b'], new Map()))).toThrow(/2 values for 1 variables/);
  });
});
