import type { Term } from '@quarry/rdf';
import { namedNode, blankNode, literal, defaultGraph } from '@quarry/rdf';
import { TERM_PAYLOAD_SIZE, TermKind, isHashedKind } from './term-kind';
import { decodeXsdInline } from './xsd-inline';
import { CorruptDataError } from '../errors';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Resolves a 16-byte hash to its string (the id2str table). */
export type StringLookup = (hash: Uint8Array) => string | undefined;

function inlineString(bytes: Uint8Array, start: number, end: number): string {
  let stop = start;
  while (stop < end && bytes[stop] !== 0) stop++;
  return utf8.decode(bytes.subarray(start, stop));
}

function splitAtNul(value: string): [string, string] {
  const nul = value.indexOf('\u0000');
  if (nul < 0) throw new CorruptDataError('id2str entry lacks its separator');
  return [value.slice(0, nul), value.slice(nul + 1)];
}

/** Decodes the 17-byte term at `bytes[offset..]` back to an RDF/JS term. */
export function decodeTerm(bytes: Uint8Array, offset: number, lookup: StringLookup): Term {
  const kind = bytes[offset];
  const payload = offset + 1;
  let stored: string | undefined;
  if (isHashedKind(kind)) {
    stored = lookup(bytes.subarray(payload, payload + TERM_PAYLOAD_SIZE));
    if (stored === undefined) throw new CorruptDataError(`id2str entry missing for term kind ${kind}`);
  }
  switch (kind) {
    case TermKind.DefaultGraph:
      return defaultGraph();
    case TermKind.NamedNodeInline:
      return namedNode(inlineString(bytes, payload, payload + TERM_PAYLOAD_SIZE));
    case TermKind.NamedNodeHashed:
      return namedNode(stored!);
    case TermKind.BlankNodeInline:
      return blankNode(inlineString(bytes, payload, payload + TERM_PAYLOAD_SIZE));
    case TermKind.BlankNodeHashed:
      return blankNode(stored!);
    case TermKind.StringInline:
      return literal(inlineString(bytes, payload, payload + TERM_PAYLOAD_SIZE));
    case TermKind.StringHashed:
      return literal(stored!);
    case TermKind.LangStringInline: {
      const tagLength = bytes[payload];
      const tag = String.fromCharCode(...bytes.subarray(payload + 1, payload + 1 + tagLength));
      return literal(inlineString(bytes, payload + 1 + tagLength, payload + TERM_PAYLOAD_SIZE), tag);
    }
    case TermKind.LangStringHashed: {
      const [tag, value] = splitAtNul(stored!);
      return literal(value, tag);
    }
    case TermKind.TypedLiteralHashed: {
      const [datatype, value] = splitAtNul(stored!);
      return literal(value, namedNode(datatype));
    }
    default: {
      const xsd = decodeXsdInline(kind, bytes, payload);
      if (xsd === undefined) throw new CorruptDataError(`unknown term kind ${kind}`);
      return literal(xsd[1], namedNode(xsd[0]));
    }
  }
}
