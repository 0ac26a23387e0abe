import { ScanTermKind } from '@quarry/proto';
import { quadToLine } from '@quarry/rdf';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { quadsOfPage, ScanPageBuilder, type ScanPage } from './scan-page';
import { BadTermError } from './term-codec';

const { namedNode, literal, blankNode, quad, defaultGraph } = DataFactory;

const page = (kinds: ScanTermKind[], values: string[], tags: string[], quadTerms: number[]): ScanPage => ({
  termKinds: Uint8Array.from(kinds),
  termText: values.join(''),
  termLengths: values.map((v) => v.length),
  termTags: tags,
  termTagIds: tags.map((_, i) => i),
  quadTerms,
});

describe('scan pages', () => {
  it('carry every quad, each distinct term once', () => {
    const p = namedNode('http://x/p');
    const g = defaultGraph();
    const cls = namedNode('http://x/Class');
    const int = namedNode('http://www.w3.org/2001/XMLSchema#integer');
    const quads = [
      quad(namedNode('http://x/a'), p, cls, g),
      quad(namedNode('http://x/b'), p, cls, g),
      quad(blankNode('b0'), p, literal('chat', 'fr'), namedNode('http://x/g')),
      quad(namedNode('http://x/c'), p, literal('5', int), g),
      quad(namedNode('http://x/c'), p, literal('plain "quoted"\n'), g),
      quad(namedNode('http://x/d'), p, literal('6', int), g),
    ];
    const b = new ScanPageBuilder();
    for (const q of quads) b.add(q);
    expect(b.count).toBe(6);
    // a b bnode c c' d, p, Class, "chat"@fr, 5, 6, "plain…", default graph, g: the two
    // objects for http://x/c are two entries (terms are told apart by identity)
    expect(b.termKinds).toHaveLength(14);
    expect(b.page().termTags).toEqual(['fr', int.value]);
    expect(b.page().termTagIds).toEqual([0, 1, 1]);
    const back = quadsOfPage(b.page());
    expect(back.map((q) => quadToLine(q, 'N-Quads'))).toEqual(quads.map((q) => quadToLine(q, 'N-Quads')));
  });

  it('refuses indexes past the term table, missing tags, unknown kinds and terms in impossible positions', () => {
    const N = ScanTermKind.SCAN_TERM_NAMED_NODE;
    expect(() => quadsOfPage(page([N], ['http://x/a'], [], [0, 0, 0, 1]))).toThrow(BadTermError);
    expect(() => quadsOfPage(page([N], ['http://x/a'], [], [0, 0, 0]))).toThrow(BadTermError);
    expect(() => quadsOfPage(page([N, ScanTermKind.SCAN_TERM_STRING], ['http://x/a', 'x'], [], [1, 0, 0, 0]))).toThrow(/Literal/);
    expect(() => quadsOfPage(page([N, ScanTermKind.SCAN_TERM_TYPED], ['http://x/a', '5'], [], [0, 0, 1, 0]))).toThrow(/lacks the language or datatype/);
    expect(() => quadsOfPage(page([N, 9 as ScanTermKind], ['http://x/a', 'x'], [], [0, 0, 1, 0]))).toThrow(/unknown term kind/);
    expect(() => quadsOfPage(page([N, N], ['http://x/a'], [], []))).toThrow(BadTermError);
    expect(() => quadsOfPage({ ...page([N], ['http://x/a'], [], [0, 0, 0, 0]), termLengths: [99] })).toThrow(/run past/);
    expect(() => quadsOfPage({ ...page([N], ['http://x/a'], [], [0, 0, 0, 0]), termLengths: [3] })).toThrow(/longer/);
  });
});
