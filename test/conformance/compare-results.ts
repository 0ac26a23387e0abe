import { termKey, type Quad, type Term } from '@quarry/sparql';
import type { ResultSet, Row } from './expected-results';

const NUMERIC = /#(integer|decimal|double|float)$/;

/** Lexical forms differ between engines for equal numbers ("2.0" vs "2.00"); compare values. */
function literalsEqual(a: Term, b: Term): boolean {
  if (a.termType !== 'Literal' || b.termType !== 'Literal') return false;
  if (a.language.toLowerCase() !== b.language.toLowerCase() || a.datatype.value !== b.datatype.value) return false;
  if (a.value === b.value) return true;
  if (NUMERIC.test(a.datatype.value)) {
    const x = Number(a.value.replace(/INF/, 'Infinity'));
    const y = Number(b.value.replace(/INF/, 'Infinity'));
    return x === y || (Number.isNaN(x) && Number.isNaN(y));
  }
  return false;
}

/** A key that is equal for equal ground terms (numerics normalised); bnodes collapse to `_`. */
function groundKey(t: Term): string {
  if (t.termType === 'BlankNode') return '_';
  if (t.termType === 'Literal' && NUMERIC.test(t.datatype.value)) {
    return `"${Number(t.value.replace(/INF/, 'Infinity'))}"^^<${t.datatype.value}>`;
  }
  return termKey(t);
}

function rowSignature(row: Row): string {
  return [...row.entries()]
    .map(([k, v]) => `${k}=${groundKey(v)}`)
    .sort()
    .join(' ');
}

function hasBnode(row: Row): boolean {
  for (const v of row.values()) if (v.termType === 'BlankNode') return true;
  return false;
}

type BnodeMap = { forward: Map<string, string>; backward: Map<string, string> };

/** Tries to match two rows under the bnode bijection; returns the added pairs or undefined. */
function matchRow(actual: Row, expected: Row, map: BnodeMap): Array<[string, string]> | undefined {
  if (actual.size !== expected.size) return undefined;
  const added: Array<[string, string]> = [];
  const undo = (): undefined => {
    for (const [a, e] of added) {
      map.forward.delete(a);
      map.backward.delete(e);
    }
    return undefined;
  };
  for (const [k, a] of actual) {
    const e = expected.get(k);
    if (!e) return undo();
    if (a.termType === 'BlankNode' || e.termType === 'BlankNode') {
      if (a.termType !== 'BlankNode' || e.termType !== 'BlankNode') return undo();
      const mapped = map.forward.get(a.value);
      const reverse = map.backward.get(e.value);
      if (mapped === undefined && reverse === undefined) {
        map.forward.set(a.value, e.value);
        map.backward.set(e.value, a.value);
        added.push([a.value, e.value]);
      } else if (mapped !== e.value) return undo();
    } else if (!a.equals(e) && !literalsEqual(a, e)) return undo();
  }
  return added;
}

function matchRowsUnordered(actual: Row[], expected: Row[]): boolean {
  if (actual.length !== expected.length) return false;
  // Ground rows: multiset comparison on signatures.
  const counts = new Map<string, number>();
  for (const r of expected) if (!hasBnode(r)) counts.set(rowSignature(r), (counts.get(rowSignature(r)) ?? 0) + 1);
  for (const r of actual) {
    if (hasBnode(r)) continue;
    const sig = rowSignature(r);
    const n = counts.get(sig) ?? 0;
    if (n === 0) return false;
    counts.set(sig, n - 1);
  }
  const actualB = actual.filter(hasBnode);
  const expectedB = expected.filter(hasBnode);
  if (actualB.length !== expectedB.length) return false;
  const used = new Array<boolean>(expectedB.length).fill(false);
  const map: BnodeMap = { forward: new Map(), backward: new Map() };
  const sigs = expectedB.map(rowSignature);
  let steps = 0;
  const search = (i: number): boolean => {
    if (i === actualB.length) return true;
    if (++steps > 200_000) return false;
    const row = actualB[i]!;
    const sig = rowSignature(row);
    for (let j = 0; j < expectedB.length; j++) {
      if (used[j] || sigs[j] !== sig) continue;
      const added = matchRow(row, expectedB[j]!, map);
      if (!added) continue;
      used[j] = true;
      if (search(i + 1)) return true;
      used[j] = false;
      for (const [a, e] of added) {
        map.forward.delete(a);
        map.backward.delete(e);
      }
    }
    return false;
  };
  return search(0);
}

function matchRowsOrdered(actual: Row[], expected: Row[]): boolean {
  if (actual.length !== expected.length) return false;
  const map: BnodeMap = { forward: new Map(), backward: new Map() };
  return actual.every((r, i) => matchRow(r, expected[i]!, map) !== undefined);
}

function quadsAsRows(quads: Quad[]): Row[] {
  return quads.map(
    (q) =>
      new Map<string, Term>([
        ['s', q.subject],
        ['p', q.predicate],
        ['o', q.object],
      ]),
  );
}

/** Returns undefined when equal, otherwise a short reason. */
export function compareResults(actual: ResultSet, expected: ResultSet, ordered: boolean): string | undefined {
  if (actual.kind !== expected.kind) return `expected ${expected.kind} result, got ${actual.kind}`;
  if (actual.kind === 'boolean' && expected.kind === 'boolean') {
    return actual.value === expected.value ? undefined : `expected ${expected.value}, got ${actual.value}`;
  }
  if (actual.kind === 'graph' && expected.kind === 'graph') {
    return matchRowsUnordered(quadsAsRows(actual.quads), quadsAsRows(expected.quads))
      ? undefined
      : `graph differs (${actual.quads.length} vs ${expected.quads.length} triples)`;
  }
  if (actual.kind === 'bindings' && expected.kind === 'bindings') {
    if (!matchRowsUnordered(actual.rows, expected.rows)) {
      return `solutions differ (${actual.rows.length} vs ${expected.rows.length} rows)`;
    }
    if (ordered && !matchRowsOrdered(actual.rows, expected.rows)) return 'solution order differs';
  }
  return undefined;
}
