import { randomBytes } from 'node:crypto';
import { inScopeVariables } from '../algebra/variables';
import type { Binding } from '../eval/binding';
import type { ServiceHandler, ServiceRequest } from '../eval/context';
import { queryWithSeed } from './service-query-text';
import { decodeJsonBindings } from './sparql-json-results';

/** A SERVICE call that failed: not allowed, unreachable, timed out, or a bad answer. */
export class ServiceCallError extends Error {
  override readonly name = 'ServiceCallError';
  constructor(
    readonly endpoint: string,
    message: string,
    /** The endpoint's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(`SERVICE <${endpoint}>: ${message}`);
  }
}

export interface HttpServiceOptions {
  /** Endpoints SERVICE may call: '*' for any, else IRI prefixes; anything else is refused. */
  allow: '*' | readonly string[];
  timeoutMs: number;
  /** A larger answer is refused rather than buffered. */
  maxResponseBytes: number;
  /** Where requests for an endpoint IRI go (default: the IRI itself). */
  resolveUrl?: (endpoint: string) => string;
  batchSize?: number;
  fetch?: typeof fetch;
}

/**
 * SPARQL 1.1 Federated Query over the SPARQL 1.1 Protocol: each evaluation of a SERVICE clause
 * POSTs its pattern (with the solution it joins, as VALUES) and reads SPARQL JSON results.
 */
export function httpServiceHandler(opts: HttpServiceOptions): ServiceHandler {
  const doFetch = opts.fetch ?? fetch;
  const batchSize = opts.batchSize ?? 1000;
  return async function* callService(req: ServiceRequest): AsyncIterable<Binding[]> {
    const endpoint = req.endpoint.value;
    if (opts.allow !== '*' && !opts.allow.some((prefix) => endpoint.startsWith(prefix))) {
      throw new ServiceCallError(endpoint, 'this endpoint is not allowed (see QUARRY_SERVICE_ALLOW)');
    }
    const url = opts.resolveUrl ? opts.resolveUrl(endpoint) : endpoint;
    if (!/^https?:\/\//i.test(url)) throw new ServiceCallError(endpoint, 'only http(s) endpoints can be called');
    const query = queryWithSeed(req.queryText, inScopeVariables(req.pattern), req.seed);
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    let body: string;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json' },
        body: new URLSearchParams({ query }).toString(),
        signal,
      });
      body = await readLimited(res, opts.maxResponseBytes, endpoint);
      if (!res.ok) throw new ServiceCallError(endpoint, `the endpoint answered ${res.status}: ${body.slice(0, 300)}`, res.status);
      const type = res.headers.get('content-type') ?? '';
      if (!/json/i.test(type)) throw new ServiceCallError(endpoint, `expected SPARQL JSON results, got ${type || 'no content type'}`, res.status);
    } catch (e) {
      if (e instanceof ServiceCallError) throw e;
      if (timeout.aborted) throw new ServiceCallError(endpoint, `no answer within ${opts.timeoutMs} ms`);
      if (req.signal?.aborted) throw e;
      throw new ServiceCallError(endpoint, `cannot reach the endpoint: ${(e as Error).message}`);
    }
    let rows: Binding[];
    try {
      rows = decodeJsonBindings(body, `svc${randomBytes(4).toString('hex')}`);
    } catch (e) {
      throw new ServiceCallError(endpoint, (e as Error).message);
    }
    for (let i = 0; i < rows.length; i += batchSize) yield rows.slice(i, i + batchSize);
  };
}

async function readLimited(res: Response, maxBytes: number, endpoint: string): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new ServiceCallError(endpoint, `the answer (${declared} bytes) is over the ${maxBytes}-byte limit`, res.status);
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new ServiceCallError(endpoint, `the answer is over the ${maxBytes}-byte limit`, res.status);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
