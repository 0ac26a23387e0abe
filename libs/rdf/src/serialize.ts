import { Writer } from 'n3';
import type { Quad } from './terms';
import type { RdfFormat } from './formats';
import { isQuadFormat } from './formats';
import { termToNTriples } from './ntriples-term';
import { RdfTermError } from './errors';

export interface SerializeOptions {
  format: RdfFormat;
  /** Prefix map for Turtle / TriG output. */
  prefixes?: Record<string, string>;
}

/** One N-Triples / N-Quads line (with trailing newline); fast path that avoids n3's Writer. */
export function quadToLine(q: Quad, format: 'N-Triples' | 'N-Quads'): string {
  const g = q.graph.termType === 'DefaultGraph' ? '' : ` ${termToNTriples(q.graph)}`;
  if (g !== '' && format === 'N-Triples') throw new RdfTermError('N-Triples cannot carry a named graph');
  return `${termToNTriples(q.subject)} ${termToNTriples(q.predicate)} ${termToNTriples(q.object)}${g} .\n`;
}

/** Serialises quads to a string in the given format. Named graphs in a triple format are an error. */
export async function serialize(quads: Iterable<Quad>, options: SerializeOptions): Promise<string> {
  if (options.format === 'N-Triples' || options.format === 'N-Quads') {
    let out = '';
    for (const q of quads) out += quadToLine(q, options.format);
    return out;
  }
  const writer = new Writer({ format: options.format, prefixes: options.prefixes });
  for (const q of quads) {
    if (!isQuadFormat(options.format) && q.graph.termType !== 'DefaultGraph') {
      throw new RdfTermError(`${options.format} cannot carry a named graph`);
    }
    writer.addQuad(q);
  }
  return new Promise((resolve, reject) => writer.end((err: Error | null, result: string) => (err ? reject(err) : resolve(result))));
}

/** Streams a serialisation chunk by chunk (one chunk per input batch for line formats). */
export async function* serializeStream(batches: AsyncIterable<Quad[]>, options: SerializeOptions): AsyncGenerator<string> {
  if (options.format === 'N-Triples' || options.format === 'N-Quads') {
    for await (const batch of batches) {
      let out = '';
      for (const q of batch) out += quadToLine(q, options.format);
      yield out;
    }
    return;
  }
  // Turtle / TriG: n3's Writer groups by subject and only produces a complete document at end.
  const writer = new Writer({ format: options.format, prefixes: options.prefixes });
  for await (const batch of batches) for (const q of batch) writer.addQuad(q);
  const text = await new Promise<string>((resolve, reject) => writer.end((err: Error | null, result: string) => (err ? reject(err) : resolve(result))));
  yield text;
}
