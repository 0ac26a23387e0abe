import { termKey, type Quad, type Term } from '@quarry/sparql';

/**
 * RDF dataset isomorphism for small test datasets: equal ground quads, and a bijection
 * between blank nodes mapping one dataset onto the other (backtracking search, refined
 * by each blank node's ground neighbourhood). Returns a reason when they differ.
 */
export function compareDatasets(actual: Quad[], expected: Quad[]): string | undefined {
  const a = dedupe(actual);
  const e = dedupe(expected);
  if (a.length !== e.length) return `expected ${e.length} quads, got ${a.length}${sample(a, e)}`;
  const groundA = new Set(a.filter(isGround).map((q) => key(q)));
  const groundE = e.filter(isGround).map((q) => key(q));
  if (groundA.size !== groundE.length || groundE.some((k) => !groundA.has(k))) return `ground quads differ${sample(a, e)}`;
  const bnodeA = a.filter((q) => !isGround(q));
  const bnodeE = e.filter((q) => !isGround(q));
  return findMapping(bnodeA, bnodeE) ? undefined : 'no blank node mapping makes the datasets equal';
}

function dedupe(quads: Quad[]): Quad[] {
  const seen = new Map<string, Quad>();
  for (const q of quads) seen.set(key(q), q);
  return [...seen.values()];
}

function key(q: Quad, map?: Map<string, string>): string {
  const t = (x: Term): string => (x.termType === 'BlankNode' && map ? (map.get(x.value) ?? `_:?${x.value}`) : termKey(x));
  return `${t(q.subject)} ${t(q.predicate)} ${t(q.object)} ${t(q.graph)}`;
}

function isGround(q: Quad): boolean {
  return q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode';
}

function blankLabels(quads: Quad[]): string[] {
  const out = new Set<string>();
  for (const q of quads) for (const t of [q.subject, q.object]) if (t.termType === 'BlankNode') out.add(t.value);
  return [...out];
}

/** A blank node's signature: its quads with itself as '*' and other blank nodes as '_'. */
function signature(label: string, quads: Quad[]): string {
  const t = (x: Term): string => (x.termType === 'BlankNode' ? (x.value === label ? '*' : '_') : termKey(x));
  return quads
    .filter((q) => (q.subject.termType === 'BlankNode' && q.subject.value === label) || (q.object.termType === 'BlankNode' && q.object.value === label))
    .map((q) => `${t(q.subject)} ${t(q.predicate)} ${t(q.object)} ${t(q.graph)}`)
    .sort()
    .join('\n');
}

function findMapping(actual: Quad[], expected: Quad[]): boolean {
  const la = blankLabels(actual);
  const le = blankLabels(expected);
  if (la.length !== le.length) return false;
  const sigA = new Map(la.map((l) => [l, signature(l, actual)]));
  const sigE = new Map(le.map((l) => [l, signature(l, expected)]));
  const target = new Set(expected.map((q) => key(q)));
  const map = new Map<string, string>();
  const used = new Set<string>();
  const search = (i: number): boolean => {
    if (i === la.length) return actual.every((q) => target.has(key(q, map)));
    const from = la[i]!;
    for (const to of le) {
      if (used.has(to) || sigA.get(from) !== sigE.get(to)) continue;
      map.set(from, `_:${to}`);
      used.add(to);
      if (search(i + 1)) return true;
      map.delete(from);
      used.delete(to);
    }
    return false;
  };
  return search(0);
}

function sample(actual: Quad[], expected: Quad[]): string {
  const a = new Set(actual.map((q) => key(q)));
  const e = new Set(expected.map((q) => key(q)));
  const missing = [...e].filter((k) => !a.has(k)).slice(0, 2);
  const extra = [...a].filter((k) => !e.has(k)).slice(0, 2);
  return ` (missing ${missing.join(' | ') || '-'}; unexpected ${extra.join(' | ') || '-'})`;
}
