import { Parser } from 'n3';
import type { Quad, Term, Literal } from './terms';
import { namedNode, blankNode, literal, defaultGraph, quad } from './terms';
import { toParseError } from './n3-errors';

type LineFormat = 'N-Triples' | 'N-Quads';

// IRIs needing escapes or holding forbidden characters go to n3, which decodes or rejects them.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is forbidden
const IRI_NEEDS_N3 = /[\u0000-\u0020<>"{}|^`\\]/;
const LANG_TAG = /^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/;
function isResourceToken(token: string): boolean {
  const c = token.charCodeAt(0);
  return c === 60 || c === 95;
}

const ECHAR: Record<string, string> = { t: '\t', b: '\b', n: '\n', r: '\r', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** Thrown by a LineVisitor (or the scanner) when a line must go through n3 instead. */
export class NeedsFullParser extends Error {}
const FallbackNeeded = NeedsFullParser;

/**
 * Receives the statements of line-based RDF. Simple lines arrive as the source text of their
 * terms (so a consumer can map repeated text straight to its own encoding, skipping RDF/JS
 * objects); lines the fast scanner cannot vouch for arrive as quads parsed by n3.
 */
export interface LineVisitor {
  /** May throw NeedsFullParser (before any side effect) to have the line re-parsed by n3. */
  tokens(s: string, p: string, o: string, g: string | undefined): void;
  quad(q: Quad): void;
}

/**
 * A fast parser for line-based RDF (N-Triples / N-Quads): hand-written scanning of the common
 * shapes and a cache from a term's source text to its RDF/JS object, so repeated IRIs cost one
 * map lookup. Anything unusual (escaped IRIs, odd whitespace, syntax errors) is handed to n3 one
 * line at a time, so the accepted language and the error messages stay n3's.
 */
export class FastLineParser {
  private carry = '';
  private lineNumber = 0;
  private readonly cache = new Map<string, Term>();
  private readonly toQuads: LineVisitor & { out: Quad[] };

  constructor(private readonly format: LineFormat) {
    const toQuads: LineVisitor & { out: Quad[] } = {
      out: [],
      tokens: (s, p, o, g) => {
        const q = quad(
          this.termOf(s) as Quad['subject'],
          this.termOf(p) as Quad['predicate'],
          this.termOf(o) as Quad['object'],
          (g === undefined ? defaultGraph() : this.termOf(g)) as Quad['graph'],
        );
        toQuads.out.push(q);
      },
      quad: (q) => {
        toQuads.out.push(q);
      },
    };
    this.toQuads = toQuads;
  }

  /** Parses every complete line of `chunk` into `out`, keeping a trailing partial line. */
  push(chunk: string, out: Quad[]): void {
    this.toQuads.out = out;
    this.visit(chunk, this.toQuads);
  }

  end(out: Quad[]): void {
    this.toQuads.out = out;
    this.endVisit(this.toQuads);
  }

  /** Streams every complete line of `chunk` to `visitor`. */
  visit(chunk: string, visitor: LineVisitor): void {
    const text = this.carry + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.parseLine(text, start, nl, visitor);
      start = nl + 1;
    }
    this.carry = text.slice(start);
  }

  endVisit(visitor: LineVisitor): void {
    if (this.carry.length > 0) this.parseLine(this.carry, 0, this.carry.length, visitor);
    this.carry = '';
  }

  /** The RDF/JS term for a term's N-Triples source text (throws NeedsFullParser if unusual). */
  termOf(token: string): Term {
    let term = this.cache.get(token);
    if (term === undefined) {
      term = this.makeTerm(token);
      if (this.cache.size > 1_000_000) this.cache.clear(); // bound memory on huge files
      this.cache.set(token, term);
    }
    return term;
  }

  private parseLine(text: string, start: number, end: number, visitor: LineVisitor): void {
    this.lineNumber++;
    if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF
    let i = start;
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i === end || text.charCodeAt(i) === 35 /* # */) return;
    try {
      this.scanStatement(text, i, end, visitor);
    } catch (err) {
      if (!(err instanceof NeedsFullParser)) throw err;
      this.parseWithN3(text.slice(start, end), visitor);
    }
  }

  private parseWithN3(line: string, visitor: LineVisitor): void {
    let quads: Quad[];
    try {
      quads = new Parser({ format: this.format, blankNodePrefix: '' }).parse(line);
    } catch (err) {
      throw toParseError(err, this.format, this.lineNumber - 1);
    }
    for (const q of quads) visitor.quad(q);
  }

  private scanStatement(text: string, i: number, end: number, visitor: LineVisitor): void {
    this.pos = i;
    const s = this.readToken(text, end);
    if (!isResourceToken(s)) throw new FallbackNeeded();
    this.skipSpace(text, end);
    const p = this.readToken(text, end);
    if (p.charCodeAt(0) !== 60) throw new FallbackNeeded();
    this.skipSpace(text, end);
    const o = this.readToken(text, end);
    this.skipSpace(text, end);
    let g: string | undefined;
    if (this.format === 'N-Quads' && this.pos < end && text.charCodeAt(this.pos) !== 46) {
      g = this.readToken(text, end);
      if (!isResourceToken(g)) throw new FallbackNeeded();
      this.skipSpace(text, end);
    }
    if (text.charCodeAt(this.pos) !== 46 /* . */) throw new FallbackNeeded();
    this.pos++;
    this.skipSpace(text, end);
    if (this.pos < end && text.charCodeAt(this.pos) !== 35) throw new FallbackNeeded();
    visitor.tokens(s, p, o, g);
  }

  private pos = 0;

  private skipSpace(text: string, end: number): void {
    while (this.pos < end) {
      const c = text.charCodeAt(this.pos);
      if (c !== 32 && c !== 9) break;
      this.pos++;
    }
  }

  private readToken(text: string, end: number): string {
    const c = text.charCodeAt(this.pos);
    let tokenEnd: number;
    if (c === 60 /* < */) {
      tokenEnd = text.indexOf('>', this.pos);
      if (tokenEnd < 0 || tokenEnd >= end) throw new FallbackNeeded();
      tokenEnd++;
    } else if (c === 95 /* _ */) {
      tokenEnd = this.pos;
      while (tokenEnd < end && text.charCodeAt(tokenEnd) > 32) tokenEnd++;
    } else if (c === 34 /* " */) {
      tokenEnd = this.literalEnd(text, end);
    } else {
      throw new FallbackNeeded();
    }
    const token = text.slice(this.pos, tokenEnd);
    this.pos = tokenEnd;
    return token;
  }

  /** End (exclusive) of a literal token: closing quote plus optional @lang or ^^<iri>. */
  private literalEnd(text: string, end: number): number {
    let j = this.pos + 1;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c === 92 /* \ */) j += 2;
      else if (c === 34) break;
      else j++;
    }
    if (j >= end) throw new FallbackNeeded();
    j++;
    if (text.charCodeAt(j) === 64 /* @ */) {
      while (j < end && text.charCodeAt(j) > 32 && text.charCodeAt(j) !== 46) j++;
      // a lang tag may contain no '.', so "..."@en. is fine; "..."@en-x.y is n3's problem
    } else if (text.charCodeAt(j) === 94 && text.charCodeAt(j + 1) === 94) {
      const close = text.indexOf('>', j);
      if (close < 0 || close >= end || text.charCodeAt(j + 2) !== 60) throw new FallbackNeeded();
      j = close + 1;
    }
    return j;
  }

  /** Builds (and validates) the term for a token, without caching; throws NeedsFullParser. */
  makeTerm(token: string): Term {
    // Validation lives here, at first sight of a token: cached tokens were already accepted.
    const c = token.charCodeAt(0);
    if (c === 60) return this.makeIri(token.slice(1, -1));
    if (c === 95) {
      if (
        token.charCodeAt(1) !== 58 ||
        token.length < 3 ||
        !/^[A-Za-z0-9_\u00C0-\uFFFF][A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*$/.test(token.slice(2)) ||
        token.endsWith('.')
      ) {
        throw new FallbackNeeded();
      }
      return blankNode(token.slice(2));
    }
    return this.makeLiteral(token);
  }

  private makeIri(iri: string): Term {
    if (IRI_NEEDS_N3.test(iri) || iri.indexOf(':') < 0) throw new FallbackNeeded();
    return namedNode(iri);
  }

  private makeLiteral(token: string): Literal {
    const close = token.lastIndexOf('"');
    const raw = token.slice(1, close);
    const value = raw.indexOf('\\') < 0 ? raw : unescapeLiteral(raw);
    const suffix = token.slice(close + 1);
    if (suffix === '') return literal(value);
    if (suffix.charCodeAt(0) === 64) {
      const lang = suffix.slice(1);
      if (!LANG_TAG.test(lang)) throw new FallbackNeeded();
      return literal(value, lang.toLowerCase()); // n3 lower-cases tags too
    }
    return literal(value, this.makeIri(suffix.slice(3, -1)) as ReturnType<typeof namedNode>);
  }
}

function unescapeLiteral(raw: string): string {
  return raw.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (_m, u4: string, u8: string, ch: string) => {
    if (u4) return String.fromCharCode(parseInt(u4, 16));
    if (u8) return String.fromCodePoint(parseInt(u8, 16));
    const e = ECHAR[ch];
    if (e === undefined) throw new FallbackNeeded();
    return e;
  });
}
