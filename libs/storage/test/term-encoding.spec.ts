import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { namedNode, literal, blankNode, defaultGraph, variable, type Term } from '@quarry/rdf';
import { TermEncoder, decodeTerm, ENCODED_TERM_SIZE, MalformedTermError, TermKind } from '@quarry/storage';
import { termArb } from './support';

function roundTrip(term: Term): { decoded: Term; encoded: Uint8Array } {
  const encoder = new TermEncoder();
  const encoded = encoder.encode(term);
  const table = new Map<string, string>();
  const stored = encoder.storedString(encoder.encodeRef(term));
  if (stored !== undefined) table.set(Buffer.from(encoded.subarray(1)).toString('hex'), stored);
  const decoded = decodeTerm(encoded, 0, (hash) => table.get(Buffer.from(hash).toString('hex')));
  return { decoded, encoded };
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';

describe('term encoding', () => {
  it('round-trips every term kind (property)', () => {
    fc.assert(
      fc.property(termArb, (term) => {
        const { decoded, encoded } = roundTrip(term);
        expect(encoded.length).toBe(ENCODED_TERM_SIZE);
        expect(decoded.equals(term)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['short IRI inline', namedNode('http://a'), TermKind.NamedNodeInline],
    ['long IRI hashed', namedNode('http://example.org/a-long-iri'), TermKind.NamedNodeHashed],
    ['16-byte string inline', literal('x'.repeat(16)), TermKind.StringInline],
    ['17-byte string hashed', literal('x'.repeat(17)), TermKind.StringHashed],
    ['multi-byte string over 16 bytes hashed', literal('ééééééééé'), TermKind.StringHashed],
    ['string with NUL hashed', literal('a\u0000'), TermKind.StringHashed],
    ['lang inline', literal('chat', 'fr'), TermKind.LangStringInline],
    ['lang hashed', literal('a longer sentence', 'en'), TermKind.LangStringHashed],
    ['canonical integer inline', literal('-42', namedNode(`${XSD}integer`)), TermKind.Integer],
    ['non-canonical integer hashed', literal('042', namedNode(`${XSD}integer`)), TermKind.TypedLiteralHashed],
    ['big integer hashed', literal('99999999999999999999', namedNode(`${XSD}integer`)), TermKind.TypedLiteralHashed],
    ['decimal inline', literal('-3.25', namedNode(`${XSD}decimal`)), TermKind.Decimal],
    ['double inline', literal('1.5', namedNode(`${XSD}double`)), TermKind.Double],
    ['double non-canonical hashed', literal('1.5E0', namedNode(`${XSD}double`)), TermKind.TypedLiteralHashed],
    ['boolean inline', literal('true', namedNode(`${XSD}boolean`)), TermKind.Boolean],
    ['dateTime inline', literal('2024-02-29T12:30:00.120+05:30', namedNode(`${XSD}dateTime`)), TermKind.DateTime],
    ['date inline', literal('2024-02-29Z', namedNode(`${XSD}date`)), TermKind.Date],
    ['blank inline', blankNode('b1'), TermKind.BlankNodeInline],
    ['default graph', defaultGraph(), TermKind.DefaultGraph],
  ])('%s', (_name, term, kind) => {
    const { decoded, encoded } = roundTrip(term);
    expect(encoded[0]).toBe(kind);
    expect(decoded.equals(term)).toBe(true);
  });

  it('sorts integers, decimals and doubles by value', () => {
    const encoder = new TermEncoder();
    const check = (datatype: string, values: number[]): void => {
      const sorted = [...values].sort((a, b) => a - b);
      const bytes = sorted.map((v) => Buffer.from(encoder.encode(literal(String(v), namedNode(`${XSD}${datatype}`)))));
      for (let i = 1; i < bytes.length; i++) expect(Buffer.compare(bytes[i - 1], bytes[i])).toBeLessThanOrEqual(0);
    };
    fc.assert(fc.property(fc.array(fc.integer(), { minLength: 2 }), (values) => check('integer', values)));
    fc.assert(
      fc.property(
        fc.array(
          fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
          { minLength: 2 },
        ),
        (values) => check('double', values),
      ),
    );
  });

  it('rejects variables and malformed terms', () => {
    const encoder = new TermEncoder();
    expect(() => encoder.encode(variable('x'))).toThrow(MalformedTermError);
    expect(() => encoder.encode(literal('x', 'not a tag'))).toThrow(MalformedTermError);
    expect(() => encoder.encode(namedNode(''))).toThrow(MalformedTermError);
  });
});
