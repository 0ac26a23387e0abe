import type { Term } from '@quarry/rdf';
import { ENCODED_TERM_SIZE, TERM_PAYLOAD_SIZE, TermKind } from './term-kind';
import { hashString } from './string-hash';
import { encodeXsdInline } from './xsd-inline';
import { MalformedTermError } from '../errors';

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';
const CACHE_LIMIT = 262_144;

/** An encoding handed out by the encoder; hashed ones carry their id2str string. */
type EncodedTermRef = Uint8Array & { idString?: string };
const utf8 = new TextEncoder();

/**
 * Encodes RDF/JS terms to 17-byte fixed-width form. Bulk data repeats terms heavily, so
 * encodings are cached twice: by term object (parsers that reuse objects hit this first) and
 * by a string identity of the term. Both caches are bounded.
 */
export class TermEncoder {
  private readonly byObject = new Map<Term, Uint8Array>();
  private readonly byKey = new Map<string, Uint8Array>();

  /**
   * The encoding of `term` as a shared 17-byte array (callers must not mutate it). Equal
   * terms usually, but not always (after a cache reset), return the same object.
   */
  encodeRef(term: Term): Uint8Array {
    let encoded = this.byObject.get(term);
    if (encoded !== undefined) return encoded;
    const key = cacheKey(term);
    encoded = this.byKey.get(key);
    if (encoded === undefined) {
      encoded = this.encodeFresh(term);
      if (this.byKey.size >= CACHE_LIMIT) this.byKey.clear();
      this.byKey.set(key, encoded);
    }
    if (this.byObject.size >= CACHE_LIMIT) this.byObject.clear();
    this.byObject.set(term, encoded);
    return encoded;
  }

  /** Encodes without touching the caches (for callers that cache by their own key). */
  encodeFresh(term: Term): Uint8Array {
    const encoded: EncodedTermRef = new Uint8Array(ENCODED_TERM_SIZE);
    const stored = encodeUncached(term, encoded);
    // The string travels with the encoding object (not in a side table that a cache reset
    // could clear while a batch still holds the encoding).
    if (stored !== undefined) encoded.idString = stored;
    return encoded;
  }

  /** The id2str string behind a hashed encoding returned by encodeRef / encodeFresh. */
  storedString(encoded: Uint8Array): string | undefined {
    return (encoded as EncodedTermRef).idString;
  }

  /** A fresh copy of the encoding of `term`. */
  encode(term: Term): Uint8Array {
    return this.encodeRef(term).slice();
  }
}

function cacheKey(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${term.value}`;
    case 'BlankNode':
      return `_${term.value}`;
    case 'Literal':
      return `"${term.language}"${term.datatype.value}"${term.value}`;
    case 'DefaultGraph':
      return 'D';
    default:
      throw new MalformedTermError(`cannot store a ${term.termType}`);
  }
}

/** Fills `out` (17 bytes, zeroed) and returns the id2str string if the term is hashed. */
function encodeUncached(term: Term, out: Uint8Array): string | undefined {
  switch (term.termType) {
    case 'DefaultGraph':
      return undefined;
    case 'NamedNode':
      if (term.value === '') throw new MalformedTermError('empty IRI');
      return encodeString(term.value, TermKind.NamedNodeInline, TermKind.NamedNodeHashed, out);
    case 'BlankNode':
      if (term.value === '') throw new MalformedTermError('empty blank node label');
      return encodeString(term.value, TermKind.BlankNodeInline, TermKind.BlankNodeHashed, out);
    case 'Literal': {
      if (term.language !== '') {
        if (!/^[a-zA-Z]+(-[a-zA-Z0-9]+)*$/.test(term.language)) throw new MalformedTermError(`bad language tag ${term.language}`);
        return encodeLangString(term.language, term.value, out);
      }
      const datatype = term.datatype.value;
      if (datatype === XSD_STRING) return encodeString(term.value, TermKind.StringInline, TermKind.StringHashed, out);
      if (datatype === RDF_LANG_STRING || datatype === '') throw new MalformedTermError('literal with an invalid datatype');
      const kind = encodeXsdInline(datatype, term.value, out, 1);
      if (kind !== undefined) {
        out[0] = kind;
        return undefined;
      }
      out.fill(0);
      // Datatype and value share one id2str entry, separated by NUL (IRIs cannot contain NUL).
      return writeHashed(`${datatype}\u0000${term.value}`, TermKind.TypedLiteralHashed, out);
    }
    default:
      throw new MalformedTermError(`cannot store a ${term.termType}`);
  }
}

function encodeString(value: string, inlineKind: number, hashedKind: number, out: Uint8Array): string | undefined {
  // Short strings without NUL bytes inline (zero padding marks the end).
  if (value.length <= TERM_PAYLOAD_SIZE && value.indexOf('\u0000') < 0) {
    const bytes = utf8.encode(value);
    if (bytes.length <= TERM_PAYLOAD_SIZE) {
      out[0] = inlineKind;
      out.set(bytes, 1);
      return undefined;
    }
  }
  return writeHashed(value, hashedKind, out);
}

function encodeLangString(language: string, value: string, out: Uint8Array): string | undefined {
  // Inline layout: tag length, tag, value (zero padded). Hashed: "tag\0value" in id2str.
  if (language.length + value.length + 1 <= TERM_PAYLOAD_SIZE && value.indexOf('\u0000') < 0) {
    const bytes = utf8.encode(value);
    if (1 + language.length + bytes.length <= TERM_PAYLOAD_SIZE) {
      out[0] = TermKind.LangStringInline;
      out[1] = language.length;
      for (let i = 0; i < language.length; i++) out[2 + i] = language.charCodeAt(i);
      out.set(bytes, 2 + language.length);
      return undefined;
    }
  }
  return writeHashed(`${language}\u0000${value}`, TermKind.LangStringHashed, out);
}

function writeHashed(value: string, kind: number, out: Uint8Array): string {
  out[0] = kind;
  out.set(hashString(value), 1);
  return value;
}
