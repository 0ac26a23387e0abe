import { Parser, type SparqlQuery, type Query, type Update } from 'sparqljs';
import { SparqlSyntaxError } from '../errors';

export interface ParseOptions {
  baseIri?: string;
  prefixes?: Record<string, string>;
}

/** jison attaches `hash.loc` to parse errors; everything else (lexer, validation) has only a message. */
interface JisonErrorHash {
  loc?: { first_line?: number; first_column?: number };
  line?: number;
}

function locationOf(error: unknown): { line?: number; column?: number } {
  if (typeof error !== 'object' || error === null || !('hash' in error)) return {};
  const hash = (error as { hash?: JisonErrorHash }).hash;
  if (!hash) return {};
  const line = hash.loc?.first_line ?? (hash.line !== undefined ? hash.line + 1 : undefined);
  const column = hash.loc?.first_column !== undefined ? hash.loc.first_column + 1 : undefined;
  return { line, column };
}

/**
 * SPARQL §19.2: \uXXXX and \UXXXXXXXX escapes are replaced before parsing, anywhere in the
 * text (sparqljs only handles them inside strings). Other backslash pairs are left alone.
 */
export function unescapeCodepoints(text: string): string {
  if (!text.includes('\\u') && !text.includes('\\U')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    const width = next === 'u' ? 4 : next === 'U' ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + width);
    if (width > 0 && hex.length === width && /^[0-9A-Fa-f]+$/.test(hex)) {
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + width;
    } else {
      out += c + (next ?? '');
      i++;
    }
  }
  return out;
}

function parse(text: string, options: ParseOptions): SparqlQuery {
  // A fresh parser per call: sparqljs keeps prefix and blank-node state on the instance.
  const parser = new Parser({ baseIRI: options.baseIri, prefixes: options.prefixes });
  try {
    return parser.parse(unescapeCodepoints(text));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = locationOf(error);
    throw new SparqlSyntaxError(message, line, column);
  }
}

/** Parses a SPARQL query (SELECT/CONSTRUCT/ASK/DESCRIBE); throws SparqlSyntaxError otherwise. */
export function parseQuery(text: string, options: ParseOptions = {}): Query {
  const parsed = parse(text, options);
  if ((parsed as { type?: string }).type === undefined) throw new SparqlSyntaxError('expected a query, got nothing');
  if (parsed.type !== 'query') throw new SparqlSyntaxError('expected a query, got an update');
  return parsed;
}

/** Parses a SPARQL update request; throws SparqlSyntaxError otherwise. */
export function parseUpdate(text: string, options: ParseOptions = {}): Update {
  const parsed = parse(text, options);
  // sparqljs gives a typeless object for a request that is only a prologue (or empty): the
  // grammar (Update ::= Prologue ( Update1 ( ';' Update )? )?) allows it as an update doing nothing.
  if ((parsed as { type?: string }).type === undefined) return { ...(parsed as object), type: 'update', updates: [] } as unknown as Update;
  if (parsed.type !== 'update') throw new SparqlSyntaxError('expected an update, got a query');
  return parsed;
}
