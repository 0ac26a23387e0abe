import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import {
  namedNode,
  blankNode,
  literal,
  quad,
  defaultGraph,
  parseString,
  parseQuads,
  parseBatches,
  serialize,
  RdfParseError,
  isGzip,
  formatFromFileName,
  type Quad,
  type RdfFormat,
} from '@quarry/rdf';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const iri = fc.string({ maxLength: 12 }).map((s) => namedNode(`http://ex.org/${encodeURIComponent(s)}`));
const value = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.constantFrom('quote " backslash \\ newline \n tab \t', 'é𝄞'),
);
const objectArb = fc.oneof(
  iri,
  fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/).map((l) => blankNode(l)),
  value.map((v) => literal(v)),
  fc.tuple(value, fc.constantFrom('en', 'en-gb')).map(([v, l]) => literal(v, l)),
  fc.tuple(value, fc.constantFrom(`${XSD}integer`, 'http://ex.org/dt')).map(([v, d]) => literal(v, namedNode(d))),
);
const quadArb = (named: boolean) =>
  fc
    .tuple(fc.oneof(iri, fc.constantFrom(blankNode('b1'))), iri, objectArb, named ? fc.oneof(fc.constant(defaultGraph()), iri) : fc.constant(defaultGraph()))
    .map(([s, p, o, g]) => quad(s, p, o, g as Quad['graph']));

function normalise(quads: Quad[]): string[] {
  return quads
    .map((q) =>
      [q.subject, q.predicate, q.object, q.graph]
        .map((t) => `${t.termType}|${t.value}|${t.termType === 'Literal' ? `${t.language}|${t.datatype.value}` : ''}`)
        .join(' '),
    )
    .sort();
}

describe('parse / serialise round trip', () => {
  for (const format of ['N-Triples', 'N-Quads', 'Turtle', 'TriG'] as RdfFormat[]) {
    it(`${format} (property)`, async () => {
      const named = format === 'N-Quads' || format === 'TriG';
      await fc.assert(
        fc.asyncProperty(fc.array(quadArb(named), { maxLength: 15 }), async (quads) => {
          const text = await serialize(quads, { format, prefixes: { ex: 'http://ex.org/' } });
          expect(normalise(parseString(text, { format }))).toEqual(normalise(quads));
        }),
        { numRuns: 150 },
      );
    });
  }

  it('streams gzip and plain input identically, in batches', async () => {
    const text = '<http://a> <http://b> "c" .\n<http://a> <http://b> <http://d> .\n';
    const plain: Quad[] = [];
    for await (const q of parseQuads(Readable.from([Buffer.from(text)]), { format: 'N-Triples' })) plain.push(q);
    const zipped: Quad[] = [];
    for await (const batch of parseBatches(Readable.from([gzipSync(text)]), { format: 'N-Triples' })) zipped.push(...batch);
    expect(plain).toHaveLength(2);
    expect(normalise(zipped)).toEqual(normalise(plain));
    expect(isGzip(gzipSync('x'))).toBe(true);
    expect(formatFromFileName('lubm1.nt.gz')).toBe('N-Triples');
  });

  it('splits lines across chunk boundaries and handles escapes, comments, CRLF', () => {
    const text =
      '# comment\r\n<http://a> <http://b> "tab\\there \\u00e9 \\U0001D11E" .\r\n\n_:x <http://b> "v"@EN-gb . # trailing\n<http://a\\u00E9b> <http://b> "x"^^<http://ex.org/dt> .';
    const quads = parseString(text, { format: 'N-Triples' });
    expect(quads.map((q) => q.object.value)).toEqual(['tab\there é 𝄞', 'v', 'x']);
    expect((quads[1].object as ReturnType<typeof literal>).language).toBe('en-gb');
    expect(quads[2].subject.value).toBe('http://aéb');
  });
});

describe('malformed input', () => {
  it.each([
    ['N-Triples', '<http://a> <http://b> <http://c> .\n<http://a> <http://b> "open .\n', 2],
    ['N-Triples', '<http://a> <http://b> <http://c> .\n\n\n"lit" <http://b> <http://c> .\n', 4],
    ['N-Quads', '<http://a> <http://b> <http://c> <http://g> .\n<http://a> <http://b> .\n', 2],
    ['Turtle', '@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n', 3],
    ['TriG', '<http://g> {\n<http://a> <http://b> <http://c> \n', 3],
  ] as [RdfFormat, string, number][])('%s reports the line (%#)', async (format, text, line) => {
    let error: unknown;
    try {
      parseString(text, { format });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RdfParseError);
    expect((error as RdfParseError).line).toBe(line);
    // and the streaming path agrees
    let streamError: unknown;
    try {
      for await (const batch of parseBatches(Readable.from([Buffer.from(text)]), { format })) void batch;
    } catch (err) {
      streamError = err;
    }
    expect(streamError).toBeInstanceOf(RdfParseError);
    expect((streamError as RdfParseError).line).toBe(line);
  });

  it('refuses named graphs in triple formats', async () => {
    await expect(
      serialize([quad(namedNode('http://a'), namedNode('http://b'), literal('c'), namedNode('http://g'))], { format: 'N-Triples' }),
    ).rejects.toThrow();
    await expect(serialize([quad(namedNode('http://a'), namedNode('http://b'), literal('c'), namedNode('http://g'))], { format: 'Turtle' })).rejects.toThrow();
  });
});
