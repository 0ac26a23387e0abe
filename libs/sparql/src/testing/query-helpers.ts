import { Parser } from 'n3';
import { collectBindings, collectQuads } from '../engine/query-result';
import { QueryEngine, type QueryOptions } from '../engine/query-engine';
import { termKey, type Quad, type Term } from '../rdf/terms';
import { InMemoryQuadSource } from '../storage/in-memory-quad-source';

/** Test helpers: build a store from TriG text and run queries returning plain values. */
export function storeFromTrig(trig: string): InMemoryQuadSource {
  return new InMemoryQuadSource(new Parser({ format: 'TriG' }).parse(trig) as Quad[]);
}

/** Each solution as { var: termKey } for easy comparison in expectations. */
export async function select(source: InMemoryQuadSource, query: string, options: QueryOptions = {}): Promise<Array<Record<string, string>>> {
  const result = await new QueryEngine(source).query(query, options);
  if (result.type !== 'bindings') throw new Error(`expected bindings, got ${result.type}`);
  return (await collectBindings(result)).map((b) => Object.fromEntries([...b].map(([k, v]) => [k, termKey(v)])));
}

export async function ask(source: InMemoryQuadSource, query: string, options: QueryOptions = {}): Promise<boolean> {
  const result = await new QueryEngine(source).query(query, options);
  if (result.type !== 'boolean') throw new Error(`expected boolean, got ${result.type}`);
  return result.value;
}

export async function construct(source: InMemoryQuadSource, query: string): Promise<Quad[]> {
  const result = await new QueryEngine(source).query(query);
  if (result.type !== 'quads') throw new Error(`expected quads, got ${result.type}`);
  return collectQuads(result);
}

const EMPTY = new InMemoryQuadSource();

/** Evaluates one expression; returns its termKey, or 'error' when it is unbound (an error). */
export async function evalExpr(expression: string, prefixes = ''): Promise<string> {
  const rows = await select(EMPTY, `PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ${prefixes} SELECT (${expression} AS ?r) {}`);
  return rows[0]?.r ?? 'error';
}

export type { Term };
