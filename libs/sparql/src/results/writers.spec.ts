import { describe, expect, it } from 'vitest';
import type { Binding } from '../eval/binding';
import type { QueryResult } from '../engine/query-result';
import { blankNode, factory, literal, namedNode, typedLiteral, type Quad, type Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import { serializeToString } from './serialize';

async function* once<T>(items: T[]): AsyncIterable<T[]> {
  yield items;
}

const rows: Binding[] = [
  new Map<string, Term>([
    ['s', namedNode('http://a')],
    ['o', literal('x, "y"', 'en')],
  ]),
  new Map<string, Term>([
    ['s', blankNode('b1')],
    ['o', typedLiteral('42', xsd.integer)],
  ]),
  new Map([['s', namedNode('http://c')]]),
];

const bindings = (): QueryResult => ({ type: 'bindings', variables: ['s', 'o'], bindings: once(rows) });
const quads: Quad[] = [
  factory.quad(namedNode('http://a'), namedNode('http://p'), literal('v')),
  factory.quad(namedNode('http://a'), namedNode('http://p'), blankNode('z'), namedNode('http://g')),
];
const graph = (): QueryResult => ({ type: 'quads', quads: once(quads) });

describe('SELECT / ASK writers', () => {
  it('SPARQL JSON', async () => {
    const json = JSON.parse(await serializeToString(bindings(), 'application/sparql-results+json')) as {
      head: { vars: string[] };
      results: { bindings: Array<Record<string, Record<string, string>>> };
    };
    expect(json.head.vars).toEqual(['s', 'o']);
    expect(json.results.bindings[0]?.o).toEqual({ type: 'literal', value: 'x, "y"', 'xml:lang': 'en' });
    expect(json.results.bindings[1]?.s).toEqual({ type: 'bnode', value: 'b1' });
    expect(json.results.bindings[2]).toEqual({ s: { type: 'uri', value: 'http://c' } });
  });

  it('SPARQL XML escapes markup', async () => {
    const xml = await serializeToString(bindings(), 'application/sparql-results+xml');
    expect(xml).toContain('<variable name="s"/>');
    expect(xml).toContain('<literal xml:lang="en">x, &quot;y&quot;</literal>');
    expect(xml).toContain(`<literal datatype="${xsd.integer}">42</literal>`);
  });

  it('CSV quotes fields and uses CRLF', async () => {
    const csv = await serializeToString(bindings(), 'text/csv');
    expect(csv).toBe('s,o\r\nhttp://a,"x, ""y"""\r\n_:b1,42\r\nhttp://c,\r\n');
  });

  it('TSV writes terms in Turtle syntax', async () => {
    const tsv = await serializeToString(bindings(), 'text/tab-separated-values');
    expect(tsv).toBe('?s\t?o\n<http://a>\t"x, \\"y\\""@en\n_:b1\t42\n<http://c>\t\n');
  });

  it('boolean results', async () => {
    expect(await serializeToString({ type: 'boolean', value: true }, 'application/sparql-results+json')).toBe('{"head":{},"boolean":true}');
    expect(await serializeToString({ type: 'boolean', value: false }, 'application/sparql-results+xml')).toContain('<boolean>false</boolean>');
  });
});

describe('CONSTRUCT / DESCRIBE writers', () => {
  it('N-Triples drops graphs, N-Quads keeps them', async () => {
    expect(await serializeToString(graph(), 'application/n-triples')).toBe('<http://a> <http://p> "v" .\n<http://a> <http://p> _:z .\n');
    expect(await serializeToString(graph(), 'application/n-quads')).toContain('_:z <http://g> .');
  });

  it('Turtle and TriG through n3', async () => {
    expect(await serializeToString(graph(), 'text/turtle')).toContain('<http://a> <http://p> "v"');
    expect(await serializeToString(graph(), 'application/trig')).toContain('<http://g> {');
  });

  it('JSON-LD in expanded form', async () => {
    const doc = JSON.parse(await serializeToString(graph(), 'application/ld+json')) as Array<Record<string, unknown>>;
    expect(doc[0]).toEqual({ '@id': 'http://a', 'http://p': [{ '@value': 'v' }] });
    expect(doc[1]).toMatchObject({ '@id': 'http://g' });
  });
});
