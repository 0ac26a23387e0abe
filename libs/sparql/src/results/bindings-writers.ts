import type { BindingStream } from '../eval/batching';
import type { Term } from '../rdf/terms';
import { xsd } from '../rdf/vocab';
import { escapeXml, termToNt } from './term-syntax';

/** Result writers yield string chunks so large results stream to the client. */
export type Chunks = AsyncIterable<string>;

function jsonTerm(t: Term): Record<string, string> {
  switch (t.termType) {
    case 'NamedNode':
      return { type: 'uri', value: t.value };
    case 'BlankNode':
      return { type: 'bnode', value: t.value };
    case 'Literal':
      if (t.language) return { type: 'literal', value: t.value, 'xml:lang': t.language };
      if (t.datatype.value === xsd.string) return { type: 'literal', value: t.value };
      return { type: 'literal', value: t.value, datatype: t.datatype.value };
    default:
      return { type: 'literal', value: t.value };
  }
}

/** Bounds the serialised terms one result remembers. */
const JSON_TERM_CACHE = 100_000;

/**
 * application/sparql-results+json. Rows repeat terms (the same class, university or
 * advisor on many rows) and a term decoded from a store is one object, so each term object
 * is serialised once per result, not once per row.
 */
export async function* writeSparqlJson(variables: string[], bindings: BindingStream): Chunks {
  yield `{"head":{"vars":${JSON.stringify(variables)}},"results":{"bindings":[`;
  const names = variables.map((v) => `${JSON.stringify(v)}:`);
  const cache = new Map<Term, string>();
  const termJson = (t: Term): string => {
    let json = cache.get(t);
    if (json === undefined) {
      json = JSON.stringify(jsonTerm(t));
      if (cache.size >= JSON_TERM_CACHE) cache.clear();
      cache.set(t, json);
    }
    return json;
  };
  let first = true;
  for await (const batch of bindings) {
    const parts: string[] = [];
    for (const b of batch) {
      let row = '';
      for (let i = 0; i < variables.length; i++) {
        const t = b.get(variables[i]);
        if (t) row += (row ? ',' : '') + names[i] + termJson(t);
      }
      parts.push(`{${row}}`);
    }
    if (parts.length === 0) continue;
    yield (first ? '' : ',') + parts.join(',');
    first = false;
  }
  yield ']}}';
}

function xmlTerm(t: Term): string {
  switch (t.termType) {
    case 'NamedNode':
      return `<uri>${escapeXml(t.value)}</uri>`;
    case 'BlankNode':
      return `<bnode>${escapeXml(t.value)}</bnode>`;
    case 'Literal':
      if (t.language) return `<literal xml:lang="${escapeXml(t.language)}">${escapeXml(t.value)}</literal>`;
      if (t.datatype.value === xsd.string) return `<literal>${escapeXml(t.value)}</literal>`;
      return `<literal datatype="${escapeXml(t.datatype.value)}">${escapeXml(t.value)}</literal>`;
    default:
      return '';
  }
}

const XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n';

/** application/sparql-results+xml */
export async function* writeSparqlXml(variables: string[], bindings: BindingStream): Chunks {
  yield `${XML_HEAD}<head>${variables.map((v) => `<variable name="${escapeXml(v)}"/>`).join('')}</head>\n<results>\n`;
  for await (const batch of bindings) {
    let chunk = '';
    for (const b of batch) {
      chunk += '<result>';
      for (const v of variables) {
        const t = b.get(v);
        if (t) chunk += `<binding name="${escapeXml(v)}">${xmlTerm(t)}</binding>`;
      }
      chunk += '</result>\n';
    }
    if (chunk) yield chunk;
  }
  yield '</results>\n</sparql>\n';
}

function csvField(t: Term | undefined): string {
  if (!t) return '';
  const text = t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** text/csv (SPARQL 1.1 CSV: values only, CRLF line ends). */
export async function* writeCsv(variables: string[], bindings: BindingStream): Chunks {
  yield `${variables.map((v) => csvField({ termType: 'Literal', value: v } as Term)).join(',')}\r\n`;
  for await (const batch of bindings) {
    yield batch.map((b) => `${variables.map((v) => csvField(b.get(v))).join(',')}\r\n`).join('');
  }
}

/** text/tab-separated-values (terms in Turtle syntax). */
export async function* writeTsv(variables: string[], bindings: BindingStream): Chunks {
  yield `${variables.map((v) => `?${v}`).join('\t')}\n`;
  for await (const batch of bindings) {
    yield batch
      .map(
        (b) =>
          `${variables
            .map((v) => {
              const t = b.get(v);
              return t ? termToNt(t, true) : '';
            })
            .join('\t')}\n`,
      )
      .join('');
  }
}

export async function* writeBooleanJson(value: boolean): Chunks {
  yield `{"head":{},"boolean":${value}}`;
}

export async function* writeBooleanXml(value: boolean): Chunks {
  yield `${XML_HEAD}<head/>\n<boolean>${value}</boolean>\n</sparql>\n`;
}

/** CSV/TSV have no boolean form in the spec; common practice is a single value line. */
export async function* writeBooleanText(value: boolean): Chunks {
  yield `${value}\n`;
}
