import { ENCODED_TERM_SIZE, TERM_PAYLOAD_SIZE, isHashedKind, isKnownKind } from './term-encoding/term-kind';
import { hashString } from './term-encoding/string-hash';
import { type EncodedBatch, kindAllowedAt } from './encoded-batch';
import { CorruptDataError } from './errors';

/**
 * Wire format of an EncodedBatch (all integers little-endian):
 *
 *   "QEB" | version u8 (=1) | flags u8 (=0) | termCount u32 | insertCount u32 | deleteCount u32 |
 *   stringCount u32 | terms (termCount × 17) | inserts (insertCount × 4 × u32) |
 *   deletes (deleteCount × 4 × u32) | strings (stringCount × (hash 16 | byteLength u32 | utf8))
 *
 * The version byte lets a newer replica read an older leader's log entries.
 */
export const ENCODED_BATCH_VERSION = 1;
const MAGIC = [0x51, 0x45, 0x42]; // "QEB"
const HEADER_SIZE = 3 + 1 + 1 + 4 * 4;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function serializeEncodedBatch(batch: EncodedBatch): Uint8Array {
  const encodedStrings = batch.strings.map((s) => utf8Encoder.encode(s.value));
  const stringBytes = encodedStrings.reduce((n, b) => n + TERM_PAYLOAD_SIZE + 4 + b.length, 0);
  const size = HEADER_SIZE + batch.termCount * ENCODED_TERM_SIZE + (batch.inserts.length + batch.deletes.length) * 4 + stringBytes;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[3] = ENCODED_BATCH_VERSION;
  out[4] = 0;
  view.setUint32(5, batch.termCount, true);
  view.setUint32(9, batch.inserts.length / 4, true);
  view.setUint32(13, batch.deletes.length / 4, true);
  view.setUint32(17, batch.strings.length, true);
  let at = HEADER_SIZE;
  out.set(batch.terms.subarray(0, batch.termCount * ENCODED_TERM_SIZE), at);
  at += batch.termCount * ENCODED_TERM_SIZE;
  for (const list of [batch.inserts, batch.deletes]) {
    for (let i = 0; i < list.length; i++, at += 4) view.setUint32(at, list[i], true);
  }
  batch.strings.forEach((s, i) => {
    out.set(s.hash, at);
    view.setUint32(at + TERM_PAYLOAD_SIZE, encodedStrings[i].length, true);
    out.set(encodedStrings[i], at + TERM_PAYLOAD_SIZE + 4);
    at += TERM_PAYLOAD_SIZE + 4 + encodedStrings[i].length;
  });
  return out;
}

export interface DeserializeOptions {
  /** Recompute every string's hash (default true): catches corruption the framing cannot. */
  verifyHashes?: boolean;
}

function fail(message: string): never {
  throw new CorruptDataError(`encoded batch: ${message}`);
}

/** Parses and fully validates a serialized batch; throws CorruptDataError on any defect. */
export function deserializeEncodedBatch(bytes: Uint8Array, options: DeserializeOptions = {}): EncodedBatch {
  if (bytes.length < HEADER_SIZE) fail('truncated header');
  if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) fail('bad magic');
  if (bytes[3] !== ENCODED_BATCH_VERSION) fail(`unsupported version ${bytes[3]}`);
  if (bytes[4] !== 0) fail('unknown flags');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const termCount = view.getUint32(5, true);
  const insertCount = view.getUint32(9, true);
  const deleteCount = view.getUint32(13, true);
  const stringCount = view.getUint32(17, true);
  let at = HEADER_SIZE;
  const fixedEnd = at + termCount * ENCODED_TERM_SIZE + (insertCount + deleteCount) * 16;
  if (fixedEnd > bytes.length) fail('truncated body');
  const terms = bytes.slice(at, at + termCount * ENCODED_TERM_SIZE);
  at += termCount * ENCODED_TERM_SIZE;
  const readIds = (count: number): Uint32Array => {
    const ids = new Uint32Array(count * 4);
    for (let i = 0; i < ids.length; i++, at += 4) ids[i] = view.getUint32(at, true);
    return ids;
  };
  const inserts = readIds(insertCount);
  const deletes = readIds(deleteCount);
  const strings: { hash: Uint8Array; value: string }[] = [];
  const hashes = new Set<string>();
  for (let i = 0; i < stringCount; i++) {
    if (at + TERM_PAYLOAD_SIZE + 4 > bytes.length) fail('truncated string table');
    const hash = bytes.slice(at, at + TERM_PAYLOAD_SIZE);
    const length = view.getUint32(at + TERM_PAYLOAD_SIZE, true);
    at += TERM_PAYLOAD_SIZE + 4;
    if (at + length > bytes.length) fail('truncated string');
    let value: string;
    try {
      value = utf8Decoder.decode(bytes.subarray(at, at + length));
    } catch {
      fail('string is not UTF-8');
    }
    at += length;
    if (options.verifyHashes !== false && Buffer.compare(hashString(value), hash) !== 0) fail(`string ${i} does not match its hash`);
    strings.push({ hash, value });
    hashes.add(Buffer.from(hash).toString('latin1'));
  }
  if (at !== bytes.length) fail('trailing bytes');
  validateTerms(terms, termCount, hashes);
  validateQuads(terms, termCount, inserts);
  validateQuads(terms, termCount, deletes);
  return { terms, termCount, inserts, deletes, strings };
}

function validateTerms(terms: Uint8Array, termCount: number, hashes: Set<string>): void {
  for (let t = 0; t < termCount; t++) {
    const at = t * ENCODED_TERM_SIZE;
    const kind = terms[at];
    if (!isKnownKind(kind)) fail(`term ${t} has unknown kind ${kind}`);
    if (t > 0 && Buffer.compare(terms.subarray(at - ENCODED_TERM_SIZE, at), terms.subarray(at, at + ENCODED_TERM_SIZE)) >= 0) {
      fail('term table not strictly ascending');
    }
    if (isHashedKind(kind) && !hashes.has(Buffer.from(terms.subarray(at + 1, at + ENCODED_TERM_SIZE)).toString('latin1'))) {
      fail(`term ${t} has no id2str string`);
    }
  }
}

function validateQuads(terms: Uint8Array, termCount: number, ids: Uint32Array): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= termCount) fail(`term index ${id} out of range`);
    if (!kindAllowedAt(terms[id * ENCODED_TERM_SIZE], i & 3)) fail(`quad ${i >> 2}: term kind not allowed at position ${i & 3}`);
  }
}
