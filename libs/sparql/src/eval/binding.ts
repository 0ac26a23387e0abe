import type { Term } from '../rdf/terms';
import { termKey } from '../rdf/terms';

/** A solution mapping: variable name (no '?') to term. Treated as immutable once built. */
export type Binding = ReadonlyMap<string, Term>;

export const EMPTY_BINDING: Binding = new Map();

/** Two solutions are compatible when they agree on every shared variable. */
export function compatible(a: Binding, b: Binding): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [k, v] of small) {
    const w = large.get(k);
    if (w !== undefined && !w.equals(v)) return false;
  }
  return true;
}

/** Merge of two compatible solutions. */
export function merge(a: Binding, b: Binding): Binding {
  if (b.size === 0) return a;
  if (a.size === 0) return b;
  const out = new Map(a);
  for (const [k, v] of b) out.set(k, v);
  return out;
}

export function extend(a: Binding, name: string, value: Term): Binding {
  const out = new Map(a);
  out.set(name, value);
  return out;
}

/** A key identifying a solution's values over the given variables (for hashing). */
export function keyOf(b: Binding, variables: readonly string[]): string {
  let key = '';
  for (const v of variables) {
    const t = b.get(v);
    key += t === undefined ? '\u0000|' : `${termKey(t)}|`;
  }
  return key;
}

/** A key identifying the whole solution (for DISTINCT), independent of insertion order. */
export function solutionKey(b: Binding): string {
  return [...b.entries()]
    .map(([k, v]) => `${k}=${termKey(v)}`)
    .sort()
    .join('\u0001');
}
