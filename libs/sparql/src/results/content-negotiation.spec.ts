import { describe, expect, it } from 'vitest';
import { negotiate } from './content-negotiation';

describe('content negotiation', () => {
  it('defaults to JSON for SELECT and Turtle for CONSTRUCT', () => {
    expect(negotiate(undefined, 'bindings')).toEqual({ ok: true, mediaType: 'application/sparql-results+json' });
    expect(negotiate('', 'graph')).toEqual({ ok: true, mediaType: 'text/turtle' });
  });

  it('honours q values and order', () => {
    expect(negotiate('text/csv;q=0.5, application/sparql-results+xml', 'bindings')).toEqual({ ok: true, mediaType: 'application/sparql-results+xml' });
    expect(negotiate('text/tab-separated-values, text/csv', 'bindings')).toEqual({ ok: true, mediaType: 'text/tab-separated-values' });
  });

  it('handles wildcards, aliases and q=0 exclusions', () => {
    expect(negotiate('*/*', 'graph')).toEqual({ ok: true, mediaType: 'text/turtle' });
    expect(negotiate('application/*', 'graph')).toEqual({ ok: true, mediaType: 'application/n-triples' });
    expect(negotiate('application/json', 'boolean')).toEqual({ ok: true, mediaType: 'application/sparql-results+json' });
    expect(negotiate('text/turtle;q=0, */*;q=0.1', 'graph')).toEqual({ ok: true, mediaType: 'application/n-triples' });
  });

  it('reports 406 when nothing fits the query form', () => {
    const result = negotiate('text/turtle', 'bindings');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.status).toBe(406);
      expect(result.supported).toContain('text/csv');
    }
  });
});
