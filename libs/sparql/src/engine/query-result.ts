import type { Binding } from '../eval/binding';
import type { Quad } from '../rdf/terms';

export interface BindingsResult {
  type: 'bindings';
  /** Projected variable names (no '?'), in SELECT order. */
  variables: string[];
  bindings: AsyncIterable<Binding[]>;
}

export interface BooleanResult {
  type: 'boolean';
  value: boolean;
}

export interface QuadsResult {
  type: 'quads';
  quads: AsyncIterable<Quad[]>;
}

export type QueryResult = BindingsResult | BooleanResult | QuadsResult;

/** Drains a bindings result into an array (convenience for tests and small results). */
export async function collectBindings(result: BindingsResult): Promise<Binding[]> {
  const out: Binding[] = [];
  for await (const batch of result.bindings) out.push(...batch);
  return out;
}

export async function collectQuads(result: QuadsResult): Promise<Quad[]> {
  const out: Quad[] = [];
  for await (const batch of result.quads) out.push(...batch);
  return out;
}
