import { describe, it, expect } from 'vitest';
import { namedNode, literal, blankNode, quad, serialize, parseString, type Quad } from '@quarry/rdf';
import { LineBatchEncoder, deserializeEncodedBatch, serializeEncodedBatch } from '@quarry/storage';
import { tempStore } from './support';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** Deterministic LUBM-like data: many subjects, few predicates, mixed objects. */
function syntheticQuads(count: number, named: boolean): Quad[] {
  const out: Quad[] = [];
  for (let i = 0; i < count; i++) {
    const s = i % 7 === 0 ? blankNode(`b${i % 500}`) : namedNode(`http://www.Department${i % 15}.University0.edu/Student${i % 3000}`);
    const p = namedNode(`http://www.lehigh.edu/~zhp2/2004/0401/univ-bench.owl#p${i % 10}`);
    const kind = i % 5;
    const o =
      kind === 0
        ? namedNode(`http://www.Department${i % 15}.University0.edu/Course${i % 700}`)
        : kind === 1
          ? literal(`Student${i}@Department${i % 15}.University0.edu`)
          : kind === 2
            ? literal(String(i - 5000), namedNode(`${XSD}integer`))
            : kind === 3
              ? literal(`name ${i % 100}`, i % 2 === 0 ? 'en' : '')
              : literal(`tab\t"quoted" ${i % 50}`);
    out.push(quad(s, p, o, named && i % 3 === 0 ? namedNode(`http://g/${i % 4}`) : undefined));
  }
  return out;
}

describe('bulk ingest path', () => {
  it.each([
    ['N-Triples', false],
    ['N-Quads', true],
  ] as const)('LineBatchEncoder (%s) stores exactly what applyBatch stores', async (format, named) => {
    const { store, dispose } = await tempStore();
    try {
      const quads = syntheticQuads(20_000, named);
      // odd lines go through the n3 fallback: escapes in IRIs, comments, blank lines
      const text = `${await serialize(quads, { format })}# a comment\n\n<http://ex.org/\\u00E9t\\u00E9> <http://p> "x" .\n`;
      const expected = parseString(text, { format });
      await store.createRegion(1n);
      await store.createRegion(2n);
      await store.applyBatch(1n, 1n, expected);
      const encoder = new LineBatchEncoder(format);
      let ts = 1;
      for (let at = 0; at < text.length; at += 7_777) {
        encoder.push(text.slice(at, at + 7_777));
        if (encoder.pending >= 4_000) await store.applyEncodedBatch(2n, ts++, serializeEncodedBatch(encoder.takeBatch()));
      }
      encoder.end();
      await store.applyEncodedBatch(2n, ts, deserializeEncodedBatch(serializeEncodedBatch(encoder.takeBatch())));
      expect(store.checksum(2n)).toBe(store.checksum(1n));
      expect(store.regionStats(2n).quadCount).toBe(
        new Set(
          text
            .trim()
            .split('\n')
            .filter((l) => l && !l.startsWith('#')),
        ).size,
      );

      // a multi-chunk snapshot restores to the same content
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.snapshot(2n)) chunks.push(Uint8Array.from(chunk));
      expect(chunks.length).toBeGreaterThan(1);
      await store.restoreSnapshot(3n, chunks);
      expect(store.checksum(3n)).toBe(store.checksum(1n));
    } finally {
      await dispose();
    }
  });
});
