import { describe, expect, it } from 'vitest';
import { blankNode, literal, namedNode, typedLiteral, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import { orderTerms } from './order';

describe('ORDER BY term ordering', () => {
  it('orders unbound < blank < IRI < literal', () => {
    const terms: Array<Term | undefined> = [literal('a'), namedNode('http://a'), undefined, blankNode('b')];
    // Array#sort moves `undefined` to the end without asking the comparator: wrap the terms.
    const sorted = terms.map((t) => ({ t })).sort((a, b) => orderTerms(a.t, b.t));
    expect(sorted.map(({ t }) => t?.termType ?? 'unbound')).toEqual(['unbound', 'BlankNode', 'NamedNode', 'Literal']);
  });

  it('orders numerics by value across types', () => {
    const terms = [typedLiteral('10', xsd.integer), typedLiteral('2.5', xsd.decimal), typedLiteral('1e0', xsd.double)];
    expect([...terms].sort(orderTerms).map((t) => t.value)).toEqual(['1e0', '2.5', '10']);
  });

  it('orders strings by code point and dateTimes by instant', () => {
    expect(orderTerms(literal('B'), literal('a'))).toBeLessThan(0);
    const a = typedLiteral('2002-04-02T23:00:00-04:00', xsd.dateTime);
    const b = typedLiteral('2002-04-02T23:30:00Z', xsd.dateTime);
    expect(orderTerms(b, a)).toBeLessThan(0);
  });

  it('gives incomparable literals a stable order', () => {
    const x = literal('x', 'en');
    const y = typedLiteral('1', xsd.integer);
    expect(Math.sign(orderTerms(x, y))).toBe(-Math.sign(orderTerms(y, x)));
    expect(orderTerms(x, x)).toBe(0);
  });
});
