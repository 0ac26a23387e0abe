import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { namedNode, blankNode, literal, defaultGraph, quad, termToNTriples, type Quad, type Term } from '@quarry/rdf';
import { QuadStore, type QuadStoreOptions } from '@quarry/storage';

/** A store in a fresh temp directory; `dispose` closes it and deletes the directory. */
export async function tempStore(options: Partial<QuadStoreOptions> = {}): Promise<{ store: QuadStore; dir: string; dispose: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-storage-'));
  const store = new QuadStore({ path: dir, noSync: true, ...options });
  return {
    store,
    dir,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function quadKey(q: Quad): string {
  const g = q.graph.termType === 'DefaultGraph' ? '' : ` ${termToNTriples(q.graph)}`;
  return `${termToNTriples(q.subject)} ${termToNTriples(q.predicate)} ${termToNTriples(q.object)}${g}`;
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';

/** IRIs short (inline) and long (hashed). */
export const iriArb = fc.oneof(
  fc.constantFrom('http://a', 'urn:x', 'http://example.org/a-rather-long-iri/with/segments'),
  fc.string({ maxLength: 30 }).map((s) => `http://ex.org/${encodeURIComponent(s)}`),
);

export const lexicalArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', 'a\u0000b', 'é', '𝄞 music', 'x'.repeat(100)),
);

export const literalArb: fc.Arbitrary<Term> = fc.oneof(
  lexicalArb.map((v) => literal(v)),
  fc.tuple(lexicalArb, fc.constantFrom('en', 'en-gb', 'fr', 'zh-hant-tw', 'x-a-very-long-tag')).map(([v, l]) => literal(v, l)),
  fc
    .oneof(fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map(String), fc.constantFrom('007', '+5', '-0', '1.0', 'abc'))
    .map((v) => literal(v, namedNode(`${XSD}integer`))),
  fc.oneof(fc.double().map(String), fc.constantFrom('1.0E0', 'INF', '-INF', 'NaN', '-0', '1e400')).map((v) => literal(v, namedNode(`${XSD}double`))),
  fc
    .oneof(
      fc.float().map((f) => String(f)),
      fc.constantFrom('0.1', '1.5'),
    )
    .map((v) => literal(v, namedNode(`${XSD}float`))),
  fc
    .oneof(fc.constantFrom('1.5', '-0.25', '3.0', '0.0', '01.50', '.5', '-0.0', '123456789012345678901234567890.123456789012345678'))
    .map((v) => literal(v, namedNode(`${XSD}decimal`))),
  fc.constantFrom('true', 'false', '1', '0').map((v) => literal(v, namedNode(`${XSD}boolean`))),
  fc
    .constantFrom(
      '2024-02-29T12:30:00Z',
      '2024-02-29T12:30:00.120+05:30',
      '-0044-03-15T00:00:00',
      '2024-01-01T00:00:00-00:00',
      '12345-01-01T00:00:00.123456789Z',
      'not a date',
    )
    .map((v) => literal(v, namedNode(`${XSD}dateTime`))),
  fc.constantFrom('2024-02-29', '2024-02-29Z', '2024-02-29-14:00', '0000-01-01').map((v) => literal(v, namedNode(`${XSD}date`))),
  fc.tuple(lexicalArb, iriArb).map(([v, dt]) => literal(v, namedNode(dt))),
);

export const blankArb = fc.oneof(fc.constantFrom('b0', 'b1'), fc.stringMatching(/^[a-z][a-z0-9]{0,24}$/)).map((l) => blankNode(l));

export const termArb: fc.Arbitrary<Term> = fc.oneof(
  iriArb.map((i) => namedNode(i)),
  blankArb,
  literalArb,
);

/** Small pools so generated quads and patterns collide often. */
export function quadPoolArb(): fc.Arbitrary<{ subjects: Term[]; predicates: Term[]; objects: Term[]; graphs: Term[] }> {
  return fc.record({
    subjects: fc.array(
      fc.oneof(
        iriArb.map((i) => namedNode(i)),
        blankArb,
      ),
      { minLength: 1, maxLength: 5 },
    ),
    predicates: fc.array(
      iriArb.map((i) => namedNode(i)),
      { minLength: 1, maxLength: 3 },
    ),
    objects: fc.array(termArb, { minLength: 1, maxLength: 6 }),
    graphs: fc.array(
      fc.oneof(
        fc.constant<Term>(defaultGraph()),
        iriArb.map((i) => namedNode(i)),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  });
}

export function quadFrom(pool: { subjects: Term[]; predicates: Term[]; objects: Term[]; graphs: Term[] }, [s, p, o, g]: number[]): Quad {
  return quad(
    pool.subjects[s % pool.subjects.length] as Quad['subject'],
    pool.predicates[p % pool.predicates.length] as Quad['predicate'],
    pool.objects[o % pool.objects.length] as Quad['object'],
    pool.graphs[g % pool.graphs.length] as Quad['graph'],
  );
}

export const quadIndexArb = fc.tuple(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(50));
