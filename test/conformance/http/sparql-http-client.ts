/** One HTTP answer, read completely. */
export interface HttpAnswer {
  status: number;
  /** Media type of the body without parameters, lowercased ('' when absent). */
  mediaType: string;
  body: string;
}

/** Accept header that lets the server pick JSON for SELECT/ASK and N-Triples for CONSTRUCT/DESCRIBE. */
export const RESULTS_ACCEPT = 'application/sparql-results+json, application/n-triples;q=0.9';

const REQUEST_TIMEOUT_MS = 20_000;

/** The SPARQL 1.1 Protocol and Graph Store Protocol endpoints of one coordinator. */
export class SparqlHttpClient {
  readonly queryUrl: string;
  readonly updateUrl: string;
  readonly storeUrl: string;

  constructor(endpoint: string) {
    const url = new URL(endpoint);
    this.queryUrl = url.href;
    this.updateUrl = new URL('/update', url).href;
    this.storeUrl = new URL('/store', url).href;
  }

  /** POST with an application/sparql-query body (§2.1.3). */
  query(text: string, accept = RESULTS_ACCEPT): Promise<HttpAnswer> {
    return send(this.queryUrl, { method: 'POST', headers: { 'content-type': 'application/sparql-query', accept }, body: text });
  }

  /** POST with an application/sparql-update body (§2.2.2). */
  update(text: string): Promise<HttpAnswer> {
    return send(this.updateUrl, { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: text });
  }

  /** Graph Store PUT: replaces the named graph (or the default graph when graph is undefined). */
  putGraph(graph: string | undefined, nTriples: string): Promise<HttpAnswer> {
    const target = graph === undefined ? `${this.storeUrl}?default` : `${this.storeUrl}?graph=${encodeURIComponent(graph)}`;
    return send(target, { method: 'PUT', headers: { 'content-type': 'application/n-triples' }, body: nTriples });
  }
}

async function send(url: string, init: RequestInit): Promise<HttpAnswer> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const body = await res.text();
  const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return { status: res.status, mediaType, body };
}

/** Throws unless the answer is a 2xx. */
export function expectSuccess(answer: HttpAnswer, what: string): void {
  if (answer.status < 200 || answer.status >= 300) throw new Error(`${what}: HTTP ${answer.status}: ${answer.body.split('\n')[0]}`);
}
