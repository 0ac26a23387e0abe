import { blankNode, quad, type Quad } from '@quarry/rdf';

/**
 * Cuts a stream of quad batches into chunks of exactly `size` quads (the last may be shorter).
 * Chunk i is always quads [i*size, (i+1)*size) of the stream, whatever the batch sizes, so a
 * resumed saga re-reading the same input meets the same chunks. The first `skip` chunks are
 * read but not yielded (already committed); indexes count from the start of the input.
 */
export async function* chunksOf(batches: AsyncIterable<readonly Quad[]>, size: number, skip = 0): AsyncGenerator<{ index: number; quads: Quad[] }> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  let index = 0;
  let filled = 0; // quads of chunk `index` seen so far
  let current: Quad[] = [];
  for await (const batch of batches) {
    let offset = 0;
    while (offset < batch.length) {
      const take = Math.min(size - filled, batch.length - offset);
      // Skipped chunks are only counted: nothing is kept of what will not be written.
      if (index >= skip) for (let k = 0; k < take; k++) current.push(batch[offset + k]);
      offset += take;
      filled += take;
      if (filled === size) {
        if (index >= skip) yield { index, quads: current };
        current = [];
        filled = 0;
        index++;
      }
    }
  }
  if (index >= skip && filled > 0) yield { index, quads: current };
}

/** Prefixes blank node labels, so one input re-read gives the same nodes and other loads' stay apart. */
export function prefixBlankNodes(q: Quad, prefix: string): Quad {
  if (q.subject.termType !== 'BlankNode' && q.object.termType !== 'BlankNode' && q.graph.termType !== 'BlankNode') return q;
  const s = q.subject.termType === 'BlankNode' ? blankNode(prefix + q.subject.value) : q.subject;
  const o = q.object.termType === 'BlankNode' ? blankNode(prefix + q.object.value) : q.object;
  const g = q.graph.termType === 'BlankNode' ? blankNode(prefix + q.graph.value) : q.graph;
  return quad(s, q.predicate, o, g);
}
