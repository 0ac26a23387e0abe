import type { Quad, Term } from '@quarry/rdf';
import { quad as makeQuad } from '@quarry/rdf';
import { BatchBuilder } from './batch-builder';
import { decodeTerm } from './term-encoding/term-decoder';
import { ENCODED_TERM_SIZE, TermKind, isKnownKind } from './term-encoding/term-kind';
import type { TermEncoder } from './term-encoding/term-encoder';
import { MalformedTermError } from './errors';

/**
 * A write batch already in storage form. The coordinator encodes once, ships the bytes through
 * Raft, and every replica applies them without re-parsing or re-hashing.
 *
 * Terms are stored once, sorted and distinct; a quad is four indexes into that table
 * (s, p, o, g). Because the table is sorted, a term's index is its rank, so replicas can sort
 * index entries by comparing small integers instead of bytes.
 */
export interface EncodedBatch {
  /** termCount × 17 bytes, strictly ascending. */
  readonly terms: Uint8Array;
  readonly termCount: number;
  /** 4 term indexes per inserted quad. */
  readonly inserts: Uint32Array;
  /** 4 term indexes per deleted quad. */
  readonly deletes: Uint32Array;
  /** id2str entries for every hashed term of the batch. */
  readonly strings: ReadonlyArray<{ readonly hash: Uint8Array; readonly value: string }>;
}

export function quadCount(batch: EncodedBatch): number {
  return (batch.inserts.length + batch.deletes.length) / 4;
}

const SUBJECT_KINDS = new Set<number>([TermKind.NamedNodeInline, TermKind.NamedNodeHashed, TermKind.BlankNodeInline, TermKind.BlankNodeHashed]);
const PREDICATE_KINDS = new Set<number>([TermKind.NamedNodeInline, TermKind.NamedNodeHashed]);
const GRAPH_KINDS = new Set<number>([TermKind.DefaultGraph, ...SUBJECT_KINDS]);

/** Checks a term's kind is allowed at a quad position (0 s, 1 p, 2 o, 3 g). */
export function kindAllowedAt(kind: number, position: number): boolean {
  switch (position) {
    case 0:
      return SUBJECT_KINDS.has(kind);
    case 1:
      return PREDICATE_KINDS.has(kind);
    case 2:
      return kind !== TermKind.DefaultGraph && isKnownKind(kind);
    default:
      return GRAPH_KINDS.has(kind);
  }
}

const QUAD_POSITION_TYPES: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['NamedNode', 'BlankNode']),
  new Set(['NamedNode']),
  new Set(['NamedNode', 'BlankNode', 'Literal']),
  new Set(['NamedNode', 'BlankNode', 'DefaultGraph']),
];
const POSITION_NAMES = ['subject', 'predicate', 'object', 'graph'];

/** Encodes quads into an EncodedBatch; throws MalformedTermError before producing anything. */
export function encodeBatch(encoder: TermEncoder, inserts: readonly Quad[], deletes: readonly Quad[]): EncodedBatch {
  const builder = new BatchBuilder((ref) => encoder.storedString(ref));
  const addAll = (quads: readonly Quad[], insert: boolean): void => {
    for (let q = 0; q < quads.length; q++) {
      const { subject, predicate, object, graph } = quads[q];
      checkPosition(subject, 0, q);
      checkPosition(predicate, 1, q);
      checkPosition(object, 2, q);
      checkPosition(graph, 3, q);
      builder.add(encoder.encodeRef(subject), encoder.encodeRef(predicate), encoder.encodeRef(object), encoder.encodeRef(graph), insert);
    }
  };
  addAll(inserts, true);
  addAll(deletes, false);
  return builder.build();
}

function checkPosition(term: Term, position: number, index: number): void {
  if (!QUAD_POSITION_TYPES[position].has(term.termType)) {
    throw new MalformedTermError(`quad ${index}: a ${term.termType} cannot be the ${POSITION_NAMES[position]}`);
  }
}

/** The quads of a batch, decoded back to RDF/JS terms (the change feed publishes them). */
export function decodeBatch(batch: EncodedBatch): { inserts: Quad[]; deletes: Quad[] } {
  const strings = new Map(batch.strings.map((s) => [Buffer.from(s.hash).toString('latin1'), s.value]));
  const lookup = (hash: Uint8Array): string | undefined => strings.get(Buffer.from(hash.buffer, hash.byteOffset, hash.length).toString('latin1'));
  const terms: Term[] = [];
  for (let rank = 0; rank < batch.termCount; rank++) terms.push(decodeTerm(batch.terms, rank * ENCODED_TERM_SIZE, lookup));
  const quadsOf = (ids: Uint32Array): Quad[] => {
    const out: Quad[] = [];
    for (let i = 0; i < ids.length; i += 4) out.push(makeQuad(terms[ids[i]] as Quad['subject'], terms[ids[i + 1]] as Quad['predicate'], terms[ids[i + 2]] as Quad['object'], terms[ids[i + 3]] as Quad['graph']));
    return out;
  };
  return { inserts: quadsOf(batch.inserts), deletes: quadsOf(batch.deletes) };
}
