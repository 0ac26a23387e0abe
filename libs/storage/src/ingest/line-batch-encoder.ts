import { FastLineParser, NeedsFullParser, defaultGraph, type LineVisitor, type Quad } from '@quarry/rdf';
import { TermEncoder } from '../term-encoding/term-encoder';
import { BatchBuilder } from '../batch-builder';
import type { EncodedBatch } from '../encoded-batch';
import { MalformedTermError } from '../errors';

const TOKEN_CACHE_LIMIT = 500_000;

/**
 * Bulk-ingest encoder for N-Triples / N-Quads text: goes from source text straight to an
 * EncodedBatch. A term's source text is mapped to its encoding with one Map lookup, so the
 * common case builds no RDF/JS objects at all; unusual lines go through n3 and the generic
 * term encoder. Runs where the data enters the cluster (the coordinator); the bytes it
 * produces are what Raft replicates.
 */
export class LineBatchEncoder {
  private readonly parser: FastLineParser;
  private readonly encoder = new TermEncoder();
  private readonly tokenRefs = new Map<string, Uint8Array>();
  private readonly builder = new BatchBuilder((ref) => this.encoder.storedString(ref));
  private readonly visitor: LineVisitor;

  constructor(format: 'N-Triples' | 'N-Quads' = 'N-Triples') {
    this.parser = new FastLineParser(format);
    const defaultGraphRef = this.encoder.encodeRef(defaultGraph());
    this.visitor = {
      tokens: (s, p, o, g) => {
        const sr = this.refOf(s);
        const pr = this.refOf(p);
        const or = this.refOf(o);
        const gr = g === undefined ? defaultGraphRef : this.refOf(g);
        this.builder.add(sr, pr, or, gr, true);
      },
      quad: (q: Quad) => {
        const e = this.encoder;
        this.builder.add(e.encodeRef(q.subject), e.encodeRef(q.predicate), e.encodeRef(q.object), e.encodeRef(q.graph), true);
      },
    };
  }

  private refOf(token: string): Uint8Array {
    let ref = this.tokenRefs.get(token);
    if (ref === undefined) {
      let term;
      try {
        term = this.parser.makeTerm(token);
        ref = this.encoder.encodeFresh(term); // tokenRefs is the cache
      } catch (err) {
        // e.g. a language tag n3 accepts but the encoder does not: let n3 parse the line
        if (err instanceof MalformedTermError) throw new NeedsFullParser();
        throw err;
      }
      if (this.tokenRefs.size >= TOKEN_CACHE_LIMIT) this.tokenRefs.clear();
      this.tokenRefs.set(token, ref);
    }
    return ref;
  }

  /** Quads accumulated since the last takeBatch(). */
  get pending(): number {
    return this.builder.size;
  }

  /** Feeds text; complete lines are encoded, a trailing partial line waits for more. */
  push(chunk: string): void {
    this.parser.visit(chunk, this.visitor);
  }

  /** Flushes a final line without newline. */
  end(): void {
    this.parser.endVisit(this.visitor);
  }

  takeBatch(): EncodedBatch {
    return this.builder.build();
  }
}
