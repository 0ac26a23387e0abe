import { subjectHash } from '@quarry/rdf';
import { decodeTerm, deserializeEncodedBatch, ENCODED_TERM_SIZE } from '@quarry/storage';

/**
 * The distinct subject hashes of a serialized EncodedBatch (validated on the way), so a leader
 * can refuse a batch with a subject outside its region before it enters the Raft log.
 */
export function batchSubjectHashes(bytes: Uint8Array): bigint[] {
  const batch = deserializeEncodedBatch(bytes);
  const strings = new Map<string, string>();
  for (const s of batch.strings) strings.set(Buffer.from(s.hash).toString('latin1'), s.value);
  const lookup = (hash: Uint8Array): string | undefined => strings.get(Buffer.from(hash).toString('latin1'));
  const ranks = new Set<number>();
  for (const quads of [batch.inserts, batch.deletes]) for (let i = 0; i < quads.length; i += 4) ranks.add(quads[i]);
  return [...ranks].map((rank) => subjectHash(decodeTerm(batch.terms, rank * ENCODED_TERM_SIZE, lookup)));
}
