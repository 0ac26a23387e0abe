/** The result shape a query form produces; decides which media types are possible. */
export type ResultKind = 'bindings' | 'boolean' | 'graph';

export const BINDINGS_MEDIA_TYPES = ['application/sparql-results+json', 'application/sparql-results+xml', 'text/csv', 'text/tab-separated-values'] as const;

export const GRAPH_MEDIA_TYPES = ['text/turtle', 'application/n-triples', 'application/n-quads', 'application/trig', 'application/ld+json'] as const;

/** Common aliases clients send, mapped to the canonical type we produce. */
const ALIASES: Record<string, string> = {
  'application/json': 'application/sparql-results+json',
  'application/xml': 'application/sparql-results+xml',
  'text/xml': 'application/sparql-results+xml',
  'text/plain': 'application/n-triples',
  'application/x-turtle': 'text/turtle',
};

export type NegotiationResult = { ok: true; mediaType: string } | { ok: false; status: 406; supported: string[] };

interface MediaRange {
  type: string;
  q: number;
  order: number;
}

function parseAccept(header: string): MediaRange[] {
  return header
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.trim().split(';');
      let q = 1;
      for (const p of params) {
        const [k, v] = p.trim().split('=');
        if (k === 'q' && v !== undefined) q = Number(v);
      }
      return { type: type.trim().toLowerCase(), q: Number.isNaN(q) ? 0 : q, order };
    })
    .filter((r) => r.type !== '');
}

function matches(range: string, mediaType: string): boolean {
  if (range === '*/*') return true;
  if (range.endsWith('/*')) return mediaType.startsWith(range.slice(0, -1));
  return (ALIASES[range] ?? range) === mediaType;
}

/**
 * Picks the response media type for an Accept header and a result kind: highest q wins,
 * ties go to the order in the header, then to our preference order. A missing or empty
 * header means the first supported type. q=0 excludes a type.
 */
export function negotiate(accept: string | undefined, kind: ResultKind): NegotiationResult {
  const supported: string[] = kind === 'graph' ? [...GRAPH_MEDIA_TYPES] : [...BINDINGS_MEDIA_TYPES];
  if (!accept || accept.trim() === '') return { ok: true, mediaType: supported[0]! };
  const ranges = parseAccept(accept);
  let best: { mediaType: string; q: number; order: number; pref: number } | undefined;
  supported.forEach((mediaType, pref) => {
    // The most specific matching range decides this type's q (RFC 9110 §12.5.1).
    const applicable = ranges.filter((r) => matches(r.type, mediaType));
    if (applicable.length === 0) return;
    const specific = applicable.sort((a, b) => specificity(b.type) - specificity(a.type))[0]!;
    if (specific.q <= 0) return;
    const candidate = { mediaType, q: specific.q, order: specific.order, pref };
    if (
      !best ||
      candidate.q > best.q ||
      (candidate.q === best.q && (candidate.order < best.order || (candidate.order === best.order && candidate.pref < best.pref)))
    ) {
      best = candidate;
    }
  });
  return best ? { ok: true, mediaType: best.mediaType } : { ok: false, status: 406, supported };
}

function specificity(range: string): number {
  return range === '*/*' ? 0 : range.endsWith('/*') ? 1 : 2;
}
