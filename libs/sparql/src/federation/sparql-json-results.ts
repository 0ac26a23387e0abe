import type { Binding } from '../eval/binding';
import { blankNode, literal, namedNode, type Term } from '../rdf/terms';
import { rdf } from '../rdf/vocab';

/** A remote endpoint's answer that is not a valid SPARQL 1.1 JSON result. */
export class ServiceResponseError extends Error {
  override readonly name = 'ServiceResponseError';
}

interface JsonTerm {
  type?: unknown;
  value?: unknown;
  'xml:lang'?: unknown;
  datatype?: unknown;
}

/**
 * Decodes application/sparql-results+json (SELECT or ASK). Blank node labels are scoped to
 * one response: `bnodeScope` makes them distinct from every other response's and the store's.
 */
export function decodeJsonBindings(body: string, bnodeScope: string): Binding[] {
  let doc: { boolean?: unknown; results?: { bindings?: unknown } };
  try {
    doc = JSON.parse(body) as typeof doc;
  } catch (e) {
    throw new ServiceResponseError(`the endpoint's response is not JSON: ${(e as Error).message}`);
  }
  if (typeof doc?.boolean === 'boolean') return doc.boolean ? [new Map()] : [];
  const rows = doc?.results?.bindings;
  if (!Array.isArray(rows)) throw new ServiceResponseError('the endpoint\'s response has no "results.bindings" array');
  return rows.map((row: unknown, i) => {
    if (row === null || typeof row !== 'object') throw new ServiceResponseError(`result row ${i} is not an object`);
    const b = new Map<string, Term>();
    for (const [name, t] of Object.entries(row as Record<string, JsonTerm>)) b.set(name, decodeTerm(t, bnodeScope, `row ${i}, ?${name}`));
    return b;
  });
}

function decodeTerm(t: JsonTerm, bnodeScope: string, where: string): Term {
  if (t === null || typeof t !== 'object' || typeof t.value !== 'string') throw new ServiceResponseError(`${where}: a term needs a string "value"`);
  switch (t.type) {
    case 'uri':
      return namedNode(t.value);
    case 'bnode':
      return blankNode(`${bnodeScope}_${t.value}`);
    case 'literal':
    case 'typed-literal': // SPARQL 1.0 era endpoints still send it
      if (typeof t['xml:lang'] === 'string' && t['xml:lang'] !== '') return literal(t.value, t['xml:lang']);
      if (typeof t.datatype === 'string' && t.datatype !== rdf.langString) return literal(t.value, namedNode(t.datatype));
      return literal(t.value);
    default:
      throw new ServiceResponseError(`${where}: unknown term type ${JSON.stringify(t.type)}`);
  }
}
