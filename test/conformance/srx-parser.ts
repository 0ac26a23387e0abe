import { factory, type Term } from '@quarry/sparql';
import type { ResultSet, Row } from './expected-results';

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? decodeXml(m[2] ?? m[3] ?? '') : undefined;
}

function bindingTerm(xml: string): Term | undefined {
  const m = /<(uri|bnode|literal)([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/.exec(xml);
  if (!m) return undefined;
  const [, kind, attrs = '', , body = ''] = m;
  const value = decodeXml(body);
  if (kind === 'uri') return factory.namedNode(value.trim());
  if (kind === 'bnode') return factory.blankNode(value.trim());
  const lang = attr(attrs, 'xml:lang');
  const datatype = attr(attrs, 'datatype');
  return factory.literal(value, lang ?? (datatype ? factory.namedNode(datatype) : undefined));
}

/**
 * A small SPARQL Results XML reader: the format is flat and regular enough that a full XML
 * parser is not needed for the W3C test files.
 */
export function parseSrx(text: string): ResultSet {
  const xml = text.replace(/<!--[\s\S]*?-->/g, '');
  const bool = /<boolean>\s*(true|false)\s*<\/boolean>/.exec(xml);
  if (bool) return { kind: 'boolean', value: bool[1] === 'true' };
  const variables = [...xml.matchAll(/<variable\s+name\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!);
  const rows: Row[] = [];
  for (const result of xml.matchAll(/<result\s*>([\s\S]*?)<\/result>|<result\s*\/>/g)) {
    const row: Row = new Map();
    for (const b of (result[1] ?? '').matchAll(/<binding\s+name\s*=\s*["']([^"']+)["']\s*>([\s\S]*?)<\/binding>/g)) {
      const term = bindingTerm(b[2]!);
      if (term) row.set(b[1]!, term);
    }
    rows.push(row);
  }
  return { kind: 'bindings', variables, rows };
}
