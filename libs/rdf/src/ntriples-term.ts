import type { Term } from './terms';
import { XSD_STRING, RDF_LANG_STRING } from './terms';
import { RdfTermError } from './errors';

// Escapes per the N-Triples grammar (ECHAR / UCHAR); kept minimal and canonical so the output
// is stable across processes — the subject hash depends on it.
const LITERAL_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };
// eslint-disable-next-line no-control-regex -- control characters are exactly what is forbidden
const IRI_FORBIDDEN = /[\u0000-\u0020<>"{}|^`\\]/g;

export function escapeLiteralValue(value: string): string {
  return value.replace(/[\\"\n\r]/g, (c) => LITERAL_ESCAPES[c] ?? c);
}

function escapeIri(iri: string): string {
  return iri.replace(IRI_FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** Canonical N-Triples (N-Quads for the graph) form of a term; throws for Variables / quoted triples. */
export function termToNTriples(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${escapeIri(term.value)}>`;
    case 'BlankNode':
      return `_:${term.value}`;
    case 'Literal': {
      const lexical = `"${escapeLiteralValue(term.value)}"`;
      if (term.language) return `${lexical}@${term.language}`;
      const dt = term.datatype.value;
      if (dt === XSD_STRING || dt === RDF_LANG_STRING) return lexical;
      return `${lexical}^^<${escapeIri(dt)}>`;
    }
    case 'DefaultGraph':
      return '';
    default:
      throw new RdfTermError(`term type ${term.termType} has no N-Triples form`);
  }
}
