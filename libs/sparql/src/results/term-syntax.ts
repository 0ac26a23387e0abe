import type { Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function escapeTurtleString(s: string): string {
  return s.replace(/[\\"\n\r\t]/g, (c) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? c);
}

const SHORT_NUMERIC = new Map<string, RegExp>([
  [xsd.integer, /^[+-]?\d+$/],
  [xsd.decimal, /^[+-]?\d*\.\d+$/],
  [xsd.double, /^[+-]?(\d+\.\d*|\.\d+|\d+)[eE][+-]?\d+$/],
]);

/** N-Triples / Turtle syntax for a term; numbers in Turtle short form when `short`. */
export function termToNt(term: Term, short = false): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${term.value}>`;
    case 'BlankNode':
      return `_:${term.value}`;
    case 'Literal': {
      if (short && SHORT_NUMERIC.get(term.datatype.value)?.test(term.value)) {
        return term.datatype.value === xsd.double ? term.value.toLowerCase() : term.value;
      }
      const lexical = `"${escapeTurtleString(term.value)}"`;
      if (term.language) return `${lexical}@${term.language}`;
      if (term.datatype.value === xsd.string) return lexical;
      return `${lexical}^^<${term.datatype.value}>`;
    }
    default:
      return '';
  }
}
