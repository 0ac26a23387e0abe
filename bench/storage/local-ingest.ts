import { LineBatchEncoder, type QuadStore } from '@quarry/storage';

const TEXT_CHUNK = 1 << 16;

/**
 * The coordinator's bulk path without Raft: text → LineBatchEncoder → EncodedBatch → apply,
 * batch by batch, one LMDB transaction each. One batch is in flight while the next is parsed
 * and encoded: with a `writerThread` store its puts run on lmdb-js's writer thread meanwhile.
 */
export async function ingest(store: QuadStore, region: bigint, text: string, batchSize: number): Promise<number> {
  const encoder = new LineBatchEncoder('N-Triples');
  let ts = 1;
  let count = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async (): Promise<void> => {
    const batch = encoder.takeBatch();
    count += batch.inserts.length / 4;
    await inFlight;
    inFlight = store.applyEncodedBatch(region, ts++, batch);
    // a failure surfaces at the next flush or at the end; do not report it unhandled meanwhile
    inFlight.catch(() => undefined);
  };
  for (let at = 0; at < text.length; at += TEXT_CHUNK) {
    encoder.push(text.slice(at, at + TEXT_CHUNK));
    if (encoder.pending >= batchSize) await flush();
  }
  encoder.end();
  await flush();
  await inFlight;
  return count;
}
