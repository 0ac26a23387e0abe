import type { EncodedBatch } from './encoded-batch';
import { DSPO, INDEX_TERM_SIZE, SPOG, type IndexSpec } from './index-layout';
import type { StorageEnv } from './lmdb-env';
import { readVersionTs, REGION_PREFIX_SIZE } from './keys';
import { lookupTermId } from './term-dictionary';
import { ENCODED_TERM_SIZE, TermKind } from './term-encoding/term-kind';

/** The bytes naming one quad of a batch: its four encoded terms (s, p, o, g). */
const QUAD_KEY_SIZE = 4 * ENCODED_TERM_SIZE;

/**
 * A region-independent identity for every quad of a batch (inserts, then deletes): the four
 * encoded terms as a latin1 string. The same quad gives the same key in any batch, so lock
 * tables can compare the quads of different transactions without a dictionary.
 */
export function batchQuadKeys(batch: EncodedBatch): string[] {
  const keys: string[] = [];
  const key = Buffer.allocUnsafe(QUAD_KEY_SIZE);
  const add = (ids: Uint32Array): void => {
    for (let i = 0; i < ids.length; i += 4) {
      for (let k = 0; k < 4; k++) key.set(batch.terms.subarray(ids[i + k] * ENCODED_TERM_SIZE, (ids[i + k] + 1) * ENCODED_TERM_SIZE), k * ENCODED_TERM_SIZE);
      keys.push(key.toString('latin1'));
    }
  };
  add(batch.inserts);
  add(batch.deletes);
  return keys;
}

/**
 * The newest commit timestamp of any version (insert or delete) of each quad of the batch
 * (inserts, then deletes) in the region; 0n for a quad the region never held. This is what a
 * snapshot-isolation write checks: a version newer than the writer's start timestamp means
 * another transaction wrote the same quad after the writer's snapshot.
 */
export function newestVersions(env: StorageEnv, region: Buffer, batch: EncodedBatch): bigint[] {
  const ids = new Array<number | undefined>(batch.termCount);
  const termId = (rank: number): number | undefined => {
    if (ids[rank] === undefined) ids[rank] = lookupTermId(env, region, batch.terms.subarray(rank * ENCODED_TERM_SIZE, (rank + 1) * ENCODED_TERM_SIZE)) ?? -1;
    const id = ids[rank]!;
    return id < 0 ? undefined : id;
  };
  const out: bigint[] = [];
  const txn = env.root.useReadTransaction();
  try {
    const visit = (quads: Uint32Array): void => {
      for (let i = 0; i < quads.length; i += 4) out.push(newestVersion(env, region, batch, quads.subarray(i, i + 4), termId, txn));
    };
    visit(batch.inserts);
    visit(batch.deletes);
  } finally {
    txn.done();
  }
  return out;
}

function newestVersion(
  env: StorageEnv,
  region: Buffer,
  batch: EncodedBatch,
  quad: Uint32Array,
  termId: (rank: number) => number | undefined,
  txn: ReturnType<StorageEnv['root']['useReadTransaction']>,
): bigint {
  const named = batch.terms[quad[3] * ENCODED_TERM_SIZE] !== TermKind.DefaultGraph;
  const spec: IndexSpec = named ? SPOG : DSPO;
  const termIds: number[] = [];
  for (const position of spec.order) {
    const id = termId(quad[position]);
    if (id === undefined) return 0n; // a term the region never stored: no version of the quad
    termIds.push(id);
  }
  const key = Buffer.allocUnsafe(REGION_PREFIX_SIZE + INDEX_TERM_SIZE);
  region.copy(key, 0);
  key.writeUInt32BE(termIds[0], REGION_PREFIX_SIZE);
  const start = Buffer.alloc(spec.valueSize, 0);
  for (let k = 1; k < termIds.length; k++) start.writeUInt32BE(termIds[k], (k - 1) * INDEX_TERM_SIZE);
  const end = Buffer.from(start);
  end.fill(0xff, spec.valueTermsSize);
  let newest = 0n;
  // Versions of one quad are adjacent duplicates in ascending order: the last one is the newest.
  for (const value of env.indexes.get(spec)!.getValues(key, { start, end, transaction: txn })) {
    newest = readVersionTs(value, spec.valueTermsSize);
  }
  return newest;
}
