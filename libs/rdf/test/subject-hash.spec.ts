import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { namedNode, blankNode, subjectHash, subjectHashKey, termToNTriples } from '@quarry/rdf';

/** Reference FNV-1a 64 with BigInt. */
function fnv1a64(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

describe('subject hash', () => {
  it('is FNV-1a 64 of the N-Triples form (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary' }).map((s) => namedNode(`http://x/${s}`)),
          fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/).map((l) => blankNode(l)),
        ),
        (term) => {
          expect(subjectHash(term)).toBe(fnv1a64(new TextEncoder().encode(termToNTriples(term))));
          const key = subjectHashKey(term);
          expect(Buffer.from(key).readBigUInt64BE(0)).toBe(subjectHash(term));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('is stable across processes (known vectors)', () => {
    expect(fnv1a64(new Uint8Array())).toBe(0xcbf29ce484222325n);
    expect(fnv1a64(new TextEncoder().encode('a'))).toBe(0xaf63dc4c8601ec8cn);
    expect(subjectHash(namedNode('http://www.University0.edu'))).toBe(fnv1a64(new TextEncoder().encode('<http://www.University0.edu>')));
  });
});
