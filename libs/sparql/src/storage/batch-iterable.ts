import type { Quad } from '../rdf/terms';

/** Groups a synchronous stream of quads into arrays of `size`, checking for cancellation between them. */
export function* batchesOf(quads: Iterable<Quad>, size: number, signal?: AbortSignal): Generator<Quad[]> {
  let batch: Quad[] = [];
  for (const q of quads) {
    batch.push(q);
    if (batch.length >= size) {
      signal?.throwIfAborted();
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
