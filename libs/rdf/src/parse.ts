import { StreamParser, Parser } from 'n3';
import type { Readable } from 'node:stream';
import type { Quad } from './terms';
import type { RdfFormat } from './formats';
import { toParseError } from './n3-errors';
import { maybeGunzip } from './gzip';
import { FastLineParser } from './fast-line-parser';

export interface ParseOptions {
  format: RdfFormat;
  /** Base IRI for relative IRIs (Turtle / TriG). */
  baseIri?: string;
  /** Sniff and transparently decompress gzip input (default true). */
  detectGzip?: boolean;
  /**
   * Prefix for blank node labels (default '': labels are kept as written, so a file parsed twice
   * yields the same nodes; callers loading several documents pass a per-document prefix).
   */
  blankNodePrefix?: string;
}

/** Parses a complete document held in memory. */
export function parseString(text: string, options: ParseOptions): Quad[] {
  if (options.format === 'N-Triples' || options.format === 'N-Quads') {
    const fast = new FastLineParser(options.format);
    const out: Quad[] = [];
    fast.push(text, out);
    fast.end(out);
    return out;
  }
  try {
    return new Parser({ format: options.format, baseIRI: options.baseIri, blankNodePrefix: options.blankNodePrefix ?? '' }).parse(text);
  } catch (err) {
    throw toParseError(err, options.format);
  }
}

/**
 * Streams quads from a byte stream in batches (arrays), which is what bulk loaders want: one
 * await per batch instead of per quad. N-Triples / N-Quads use the fast line parser; Turtle
 * and TriG use n3's StreamParser.
 */
export async function* parseBatches(input: Readable, options: ParseOptions): AsyncGenerator<Quad[]> {
  const source = options.detectGzip === false ? input : maybeGunzip(input);
  source.setEncoding('utf8');
  if (options.format === 'N-Triples' || options.format === 'N-Quads') {
    const fast = new FastLineParser(options.format);
    for await (const chunk of source as AsyncIterable<string>) {
      const out: Quad[] = [];
      fast.push(chunk, out);
      if (out.length > 0) yield out;
    }
    const rest: Quad[] = [];
    fast.end(rest);
    if (rest.length > 0) yield rest;
    return;
  }
  const parser = new StreamParser({ format: options.format, baseIRI: options.baseIri, blankNodePrefix: options.blankNodePrefix ?? '' });
  let failure: unknown;
  source.on('error', (err) => parser.destroy(err));
  parser.on('error', (err) => (failure = err));
  source.pipe(parser);
  let batch: Quad[] = [];
  try {
    for await (const q of parser as AsyncIterable<Quad>) {
      batch.push(q);
      if (batch.length >= 4096) {
        yield batch;
        batch = [];
      }
    }
  } catch (err) {
    throw toParseError(err, options.format);
  }
  if (failure !== undefined) throw toParseError(failure, options.format);
  if (batch.length > 0) yield batch;
}

/** Streams quads one by one. */
export async function* parseQuads(input: Readable, options: ParseOptions): AsyncGenerator<Quad> {
  for await (const batch of parseBatches(input, options)) yield* batch;
}
