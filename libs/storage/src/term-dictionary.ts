import type { Term } from '@quarry/rdf';
import type { StorageEnv } from './lmdb-env';
import type { EncodedBatch } from './encoded-batch';
import { ENCODED_TERM_SIZE, TERM_PAYLOAD_SIZE, TermKind, isHashedKind } from './term-encoding/term-kind';
import { hashString } from './term-encoding/string-hash';
import { decodeTerm } from './term-encoding/term-decoder';
import { REGION_PREFIX_SIZE } from './keys';
import { CorruptDataError, StorageError } from './errors';

/**
 * Per-region term dictionary. Index entries hold 4-byte term ids instead of 17-byte encoded
 * terms (DESIGN.md "Term dictionary"): values of 16 bytes instead of 42.
 *
 *   term2id: region | encoded term (17)  → id (u32 BE)
 *   id2term: region | id (u32 BE)        → kind | payload (16)      inline kinds
 *                                          kind | UTF-8 string       hashed kinds (hash recomputable)
 *
 * Ids are allocated per region in increasing order (1, 2, ...; 0 is never used), so a batch
 * of new subjects lands at the right end of the subject-first index. New terms of a batch take
 * ids in the batch's sorted term order: replicas applying the same log assign the same ids.
 */
export const TERM_ID_SIZE = 4;
export const MAX_TERM_ID = 0xffff_ffff;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export class DictionaryFullError extends StorageError {
  override readonly name = 'DictionaryFullError';
}

export function idKey(region: Uint8Array, id: number): Buffer {
  const key = Buffer.allocUnsafe(REGION_PREFIX_SIZE + TERM_ID_SIZE);
  key.set(region, 0);
  key.writeUInt32BE(id, REGION_PREFIX_SIZE);
  return key;
}

/** The next free id of a region: one past its highest id2term key. */
export function nextTermId(env: StorageEnv, region: Buffer): number {
  const end = idKey(region, MAX_TERM_ID);
  for (const key of env.id2term.getKeys({ start: end, end: region, reverse: true, limit: 1 })) {
    const k = key as Buffer;
    // `start` is inclusive: the max id itself is a full dictionary
    return k.readUInt32BE(REGION_PREFIX_SIZE) + 1;
  }
  return 1;
}

/** The id2term value of an encoded term (17 bytes at `terms[offset]`), with its string if hashed. */
export function dictionaryValue(terms: Uint8Array, offset: number, value: string | undefined): Buffer {
  const kind = terms[offset];
  if (!isHashedKind(kind)) return Buffer.from(terms.subarray(offset, offset + ENCODED_TERM_SIZE));
  if (value === undefined) throw new CorruptDataError(`no string for a hashed term of kind ${kind}`);
  const bytes = Buffer.from(value, 'utf8');
  const out = Buffer.allocUnsafe(1 + bytes.length);
  out[0] = kind;
  bytes.copy(out, 1);
  return out;
}

/** The 17-byte encoded term behind an id2term value (hashes recomputed for hashed kinds). */
export function encodedTermOf(value: Uint8Array): Uint8Array {
  const kind = value[0];
  if (!isHashedKind(kind)) {
    if (value.length !== ENCODED_TERM_SIZE) throw new CorruptDataError('malformed dictionary entry');
    return value;
  }
  const out = new Uint8Array(ENCODED_TERM_SIZE);
  out[0] = kind;
  out.set(hashString(utf8.decode(value.subarray(1))), 1);
  return out;
}

/** Decodes an id2term value to an RDF/JS term. */
export function decodeDictionaryValue(value: Uint8Array): Term {
  const kind = value[0];
  if (!isHashedKind(kind)) return decodeTerm(value, 0, () => undefined);
  const stored = utf8.decode(value.subarray(1));
  const padded = new Uint8Array(ENCODED_TERM_SIZE);
  padded[0] = kind;
  return decodeTerm(padded, 0, () => stored);
}

/** The id of an encoded term in a region, or undefined when the region never stored it. */
export function lookupTermId(env: StorageEnv, region: Buffer, encoded: Uint8Array): number | undefined {
  const key = Buffer.allocUnsafe(REGION_PREFIX_SIZE + ENCODED_TERM_SIZE);
  key.set(region, 0);
  key.set(encoded, REGION_PREFIX_SIZE);
  const value = env.term2id.getBinaryFast(key);
  return value === undefined ? undefined : (value[0] * 0x1000000 + ((value[1] << 16) | (value[2] << 8) | value[3]));
}

/** A dictionary entry for a term new to the region: both tables' keys and values. */
export interface NewTermEntry {
  term2idKey: Buffer;
  idBytes: Buffer;
  id2termKey: Buffer;
  id2termValue: Buffer;
}

export interface ResolvedTermIds {
  /** The region's id of every term of the batch, by rank (0 for the default graph). */
  ids: Uint32Array;
  /** Dictionary entries of the terms the region does not have yet, to be written with the batch. */
  added: NewTermEntry[];
}

/**
 * Maps every term of a batch (by rank) to its id in `region`, reading the committed
 * dictionary, and allocates ids to the terms the region has not seen yet. Writes nothing: every
 * check (full dictionary, missing string, string not matching its hash) happens here, before
 * the caller writes `added` and the index entries, so a rejected batch leaves nothing behind.
 * The caller must not let another write to the region run between this and its own commit
 * (QuadStore serializes its writes). The default graph gets id 0: it is never stored
 * (default-graph quads live in their own indexes). With `verifyNewStrings` the string of every
 * term new to the region is checked against its hash: only those strings are stored, so a batch
 * from the wire needs no check of the strings the region already has.
 */
export function resolveTermIds(env: StorageEnv, region: Buffer, batch: EncodedBatch, verifyNewStrings: boolean): ResolvedTermIds {
  const { terms, termCount } = batch;
  const ids = new Uint32Array(termCount);
  const added: NewTermEntry[] = [];
  const key = Buffer.allocUnsafe(REGION_PREFIX_SIZE + ENCODED_TERM_SIZE);
  key.set(region, 0);
  let next = -1;
  let strings: Map<string, string> | undefined;
  for (let rank = 0; rank < termCount; rank++) {
    const offset = rank * ENCODED_TERM_SIZE;
    if (terms[offset] === TermKind.DefaultGraph) continue;
    for (let i = 0; i < ENCODED_TERM_SIZE; i++) key[REGION_PREFIX_SIZE + i] = terms[offset + i];
    const found = env.term2id.getBinaryFast(key);
    if (found !== undefined) {
      ids[rank] = found[0] * 0x1000000 + ((found[1] << 16) | (found[2] << 8) | found[3]);
      continue;
    }
    if (next < 0) next = nextTermId(env, region);
    if (next > MAX_TERM_ID) throw new DictionaryFullError('region term dictionary is full (2^32 terms): split the region');
    let value: string | undefined;
    if (isHashedKind(terms[offset])) {
      strings ??= new Map(batch.strings.map((s) => [Buffer.from(s.hash).toString('latin1'), s.value]));
      const hash = Buffer.from(terms.buffer, terms.byteOffset + offset + 1, TERM_PAYLOAD_SIZE);
      value = strings.get(hash.toString('latin1'));
      if (verifyNewStrings && value !== undefined && !hashString(value).equals(hash)) throw new CorruptDataError('a string of the batch does not match its hash');
    }
    const idBytes = Buffer.allocUnsafe(TERM_ID_SIZE);
    idBytes.writeUInt32BE(next, 0);
    added.push({ term2idKey: Buffer.from(key), idBytes, id2termKey: idKey(region, next), id2termValue: dictionaryValue(terms, offset, value) });
    ids[rank] = next++;
  }
  return { ids, added };
}
