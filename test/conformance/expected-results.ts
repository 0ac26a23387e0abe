import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { factory, type Quad, type Term } from '@quarry/sparql';
import { readRdfFile } from './rdf-files';
import { parseSrx } from './srx-parser';

export type Row = Map<string, Term>;

export type ResultSet = { kind: 'bindings'; variables: string[]; rows: Row[] } | { kind: 'boolean'; value: boolean } | { kind: 'graph'; quads: Quad[] };

const RS = 'http://www.w3.org/2001/sw/DataAccess/tests/result-set#';

interface JsonTerm {
  type: string;
  value: string;
  'xml:lang'?: string;
  datatype?: string;
}

function jsonTerm(t: JsonTerm): Term {
  switch (t.type) {
    case 'uri':
      return factory.namedNode(t.value);
    case 'bnode':
      return factory.blankNode(t.value);
    default:
      return factory.literal(t.value, t['xml:lang'] ?? (t.datatype ? factory.namedNode(t.datatype) : undefined));
  }
}

export function parseSrj(text: string): ResultSet {
  const json = JSON.parse(text) as {
    head?: { vars?: string[] };
    boolean?: boolean;
    results?: { bindings: Array<Record<string, JsonTerm>> };
  };
  if (typeof json.boolean === 'boolean') return { kind: 'boolean', value: json.boolean };
  const rows = (json.results?.bindings ?? []).map((b) => new Map(Object.entries(b).map(([k, v]) => [k, jsonTerm(v)])));
  return { kind: 'bindings', variables: json.head?.vars ?? [], rows };
}

/** Result sets written in RDF with the DAWG result-set vocabulary; otherwise a plain graph. */
function parseRdfResult(quads: Quad[]): ResultSet {
  const resultSet = quads.find((q) => q.object.value === `${RS}ResultSet`)?.subject;
  if (!resultSet) return { kind: 'graph', quads };
  const about = (s: Term, p: string): Term[] => quads.filter((q) => q.subject.equals(s) && q.predicate.value === `${RS}${p}`).map((q) => q.object);
  const bool = about(resultSet, 'boolean')[0];
  if (bool) return { kind: 'boolean', value: bool.value === 'true' };
  const variables = about(resultSet, 'resultVariable').map((v) => v.value);
  const solutions = about(resultSet, 'solution').map((s) => {
    const row: Row = new Map();
    for (const b of about(s, 'binding')) {
      const name = about(b, 'variable')[0];
      const value = about(b, 'value')[0];
      if (name && value) row.set(name.value, value);
    }
    const index = about(s, 'index')[0];
    return { row, index: index ? Number(index.value) : 0 };
  });
  solutions.sort((a, b) => a.index - b.index);
  return { kind: 'bindings', variables, rows: solutions.map((s) => s.row) };
}

export function readExpected(path: string): ResultSet {
  const text = readFileSync(path, 'utf8');
  switch (extname(path)) {
    case '.srx':
      return parseSrx(text);
    case '.srj':
      return parseSrj(text);
    default:
      return parseRdfResult(readRdfFile(path));
  }
}
