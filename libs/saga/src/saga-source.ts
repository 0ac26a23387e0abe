import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { LoadSagaSource } from '@quarry/control-db';
import { defaultGraph, isQuadFormat, namedNode, parseBatches, quad, type Quad, type RdfFormat } from '@quarry/rdf';
import { prefixBlankNodes } from './chunker';

/** The input changed since the saga began: its chunks would not be the ones committed. */
export class SourceChangedError extends Error {}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Describes a local file as a saga source (absolute path, size and SHA-256 to detect changes). */
export async function fileSource(
  path: string,
  opts: { format: RdfFormat; graph?: string; forceGraph?: boolean; baseIri?: string; blankPrefix: string },
): Promise<LoadSagaSource> {
  const abs = resolve(path);
  return { kind: 'file', path: abs, size: statSync(abs).size, sha256: await sha256OfFile(abs), ...opts };
}

/** Describes an in-memory body (stored gzip-compressed with the saga) as a saga source. */
export function blobSource(
  body: Buffer,
  opts: { format: RdfFormat; baseIri?: string; graph?: string; forceGraph?: boolean; blankPrefix: string },
): LoadSagaSource {
  return { kind: 'blob', size: body.length, sha256: createHash('sha256').update(body).digest('hex'), ...opts };
}

/**
 * The saga's quads, in input order, with its graph and blank-node labelling applied: the same
 * quads on every read. A file is checked against its recorded size and hash first; `blob` is
 * the stored body for `blob` sources (gzip-compressed).
 */
export async function* readSource(source: LoadSagaSource, blob?: Buffer): AsyncGenerator<Quad[]> {
  let input: Readable;
  if (source.kind === 'file') {
    const path = source.path ?? '';
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      throw new SourceChangedError(`the saga's input ${path} is not readable here`);
    }
    if (size !== source.size || (await sha256OfFile(path)) !== source.sha256)
      throw new SourceChangedError(`the saga's input ${path} changed since the saga began`);
    input = createReadStream(path);
  } else {
    if (!blob) throw new SourceChangedError('the saga has no stored input');
    const body = gunzipSync(blob);
    if (createHash('sha256').update(body).digest('hex') !== source.sha256) throw new SourceChangedError("the saga's stored input does not match its hash");
    input = Readable.from([body]);
  }
  const format = source.format as RdfFormat;
  // forceGraph without a graph IRI: everything into the default graph (Graph Store `?default`).
  const graph = source.graph ? namedNode(source.graph) : source.forceGraph ? defaultGraph() : undefined;
  const regraph = graph !== undefined && (source.forceGraph === true || !isQuadFormat(format));
  // Labels are prefixed here rather than by the parser: the N-Triples fast path keeps them as written.
  for await (const batch of parseBatches(input, { format, baseIri: source.baseIri, blankNodePrefix: '' })) {
    yield batch.map((q) => {
      const placed = regraph && !q.graph.equals(graph) ? quad(q.subject, q.predicate, q.object, graph) : q;
      return prefixBlankNodes(placed, source.blankPrefix);
    });
  }
}
