import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { factory, negotiate, serializeResult, withFreshBlankNodes, type Quad, type QuadSource } from '@quarry/sparql';
import { ProtocolError } from '../sparql/protocol-error';
import type { ProtocolRequest } from '../sparql/protocol-request';
import type { ProtocolResponse } from '../sparql/protocol-response';
import { SPARQL_DATASET, type SparqlDataset } from '../sparql/sparql-dataset';
import { SPARQL_HTTP_OPTIONS, type BulkBodyLoader, type SparqlHttpOptions } from '../sparql/sparql-http-options';
import { DIRECT_GRAPHS_PATH, graphTarget, requireGraphTarget, type GraphTarget } from './graph-target';
import { parseRdfBody } from './rdf-body-parser';

/**
 * SPARQL 1.1 Graph Store HTTP Protocol over the SparqlDataset. Named graphs exist iff they
 * hold quads, so an empty named graph is 404; the default graph always exists.
 */
@Injectable()
export class GraphStoreService {
  constructor(
    @Inject(SPARQL_DATASET) private readonly dataset: SparqlDataset,
    @Optional() @Inject(SPARQL_HTTP_OPTIONS) private readonly options?: SparqlHttpOptions,
  ) {}

  /** GET and HEAD: the graph's triples in the negotiated syntax. */
  async read(request: ProtocolRequest, withBody: boolean): Promise<ProtocolResponse> {
    const target = requireGraphTarget(request);
    const choice = negotiate(request.accept, 'graph');
    if (!choice.ok) throw new ProtocolError(406, `cannot write a graph as any of: ${request.accept ?? ''}; supported: ${choice.supported.join(', ')}`);
    const triples = (await this.quadsOf(this.dataset.source(), target, request.signal)).map(asTriple);
    if (target.termType === 'NamedNode' && triples.length === 0) throw notFound(target);
    const headers = { 'content-type': `${choice.mediaType}; charset=utf-8`, vary: 'Accept' };
    if (!withBody) return { status: 200, headers };
    const quads = (async function* () {
      yield triples;
    })();
    return { status: 200, headers, body: serializeResult({ type: 'quads', quads }, choice.mediaType) };
  }

  /** PUT: replaces the graph's content (201 when the graph is new). */
  async replace(request: ProtocolRequest): Promise<ProtocolResponse> {
    const target = requireGraphTarget(request);
    const inserts = this.parse(request, target);
    // One transaction: a concurrent change to the graph makes this PUT fail rather than half-apply.
    const tx = this.dataset.begin();
    const existing = await this.quadsOf(tx.source, target, request.signal);
    await tx.writer.commit({ deletes: existing, inserts });
    return { status: isNew(target, existing) ? 201 : 204, headers: {} };
  }

  /** POST: merges into the graph; without a target, creates a new graph (201 + Location). */
  async add(request: ProtocolRequest): Promise<ProtocolResponse> {
    const given = graphTarget(request);
    const target = given ?? factory.namedNode(new URL(`${DIRECT_GRAPHS_PATH}${randomUUID()}`, request.url).href);
    const bulk = this.options?.bulkLoader;
    if (bulk && bulk.minBytes > 0 && Buffer.byteLength(request.body ?? '') >= bulk.minBytes) return this.addAsSaga(request, bulk, target, given !== undefined);
    const inserts = this.parse(request, target);
    const existing = given ? await this.quadsOf(this.dataset.source(), target, request.signal) : [];
    await this.dataset.writer.commit({ deletes: [], inserts });
    if (!given) return { status: 201, headers: { location: target.value } };
    return { status: isNew(target, existing) ? 201 : 204, headers: {} };
  }

  /**
   * POST of a large body: loaded as a saga, chunk by chunk, resumable by any coordinator if this
   * one dies. The whole body is parsed first, so malformed input is a 400 with nothing written.
   */
  private async addAsSaga(request: ProtocolRequest, bulk: BulkBodyLoader, target: GraphTarget, given: boolean): Promise<ProtocolResponse> {
    this.parse(request, target);
    const isNewGraph = given && target.termType === 'NamedNode' && !(await this.hasQuads(target, request.signal));
    const outcome = await bulk.load({
      body: Buffer.from(request.body ?? '', 'utf8'),
      mediaType: request.contentType ?? '',
      baseIri: target.termType === 'NamedNode' ? target.value : request.url.href,
      graph: target.termType === 'NamedNode' ? target.value : undefined,
      label: `POST ${request.url.pathname}${request.url.search}`,
    });
    if (outcome.state !== 'completed') throw new ProtocolError(500, `bulk load saga ${outcome.id} ${outcome.state} after ${outcome.quadsDone} quads: ${outcome.error ?? 'stopped'}; see quarry jobs, quarry load --resume ${outcome.id} or --abort ${outcome.id}`);
    const headers = { 'quarry-saga': outcome.id };
    if (!given) return { status: 201, headers: { ...headers, location: target.value } };
    return { status: isNewGraph ? 201 : 204, headers };
  }

  private async hasQuads(g: GraphTarget, signal: AbortSignal): Promise<boolean> {
    for await (const batch of this.dataset.source().match({ g }, { signal })) if (batch.length > 0) return true;
    return false;
  }

  /** DELETE: removes the graph (404 when it is empty; the default graph is just emptied). */
  async remove(request: ProtocolRequest): Promise<ProtocolResponse> {
    const target = requireGraphTarget(request);
    const tx = this.dataset.begin();
    const existing = await this.quadsOf(tx.source, target, request.signal);
    if (target.termType === 'NamedNode' && existing.length === 0) throw notFound(target);
    if (existing.length > 0) await tx.writer.commit({ deletes: existing, inserts: [] });
    return { status: 204, headers: {} };
  }

  private parse(request: ProtocolRequest, target: GraphTarget): Quad[] {
    const base = target.termType === 'NamedNode' ? target.value : request.url.href;
    // Quad formats are accepted, but everything goes into the addressed graph. Parsed blank
    // node labels are unique only within the document, so they get store-wide fresh ones.
    const parsed = parseRdfBody(request.body ?? '', request.contentType, base);
    return withFreshBlankNodes(parsed.map((q) => factory.quad(q.subject, q.predicate, q.object, target)));
  }

  private async quadsOf(source: QuadSource, g: GraphTarget, signal: AbortSignal): Promise<Quad[]> {
    const out: Quad[] = [];
    for await (const batch of source.match({ g }, { signal })) out.push(...batch);
    return out;
  }
}

function isNew(target: GraphTarget, existing: Quad[]): boolean {
  return target.termType === 'NamedNode' && existing.length === 0;
}

function asTriple(q: Quad): Quad {
  return factory.quad(q.subject, q.predicate, q.object);
}

function notFound(target: GraphTarget): ProtocolError {
  return new ProtocolError(404, `graph <${target.value}> does not exist (named graphs exist only while they hold triples)`);
}
