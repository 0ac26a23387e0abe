import { Parser } from 'n3';
import { formatFromMediaType, RDF_MEDIA_TYPES } from '@quarry/rdf';
import type { Quad } from '@quarry/sparql';
import { ProtocolError } from '../sparql/protocol-error';
import { RdfSyntaxError } from '../sparql/rdf-syntax-error';

export const PARSEABLE_MEDIA_TYPES = RDF_MEDIA_TYPES;

function lineOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('context' in error)) return undefined;
  const context: unknown = error.context;
  if (typeof context !== 'object' || context === null || !('line' in context)) return undefined;
  return typeof context.line === 'number' ? context.line : undefined;
}

/**
 * Parses an RDF request body: 415 for a media type we cannot read, RdfSyntaxError (400)
 * with n3's message and line for malformed content.
 */
export function parseRdfBody(text: string, contentType: string | undefined, baseIri: string): Quad[] {
  const format = contentType ? formatFromMediaType(contentType) : undefined;
  if (!format) {
    throw new ProtocolError(415, `unsupported content type '${contentType ?? '(none)'}'; use one of: ${PARSEABLE_MEDIA_TYPES.join(', ')}`, {
      accept: PARSEABLE_MEDIA_TYPES.join(', '),
    });
  }
  try {
    return new Parser({ format, baseIRI: baseIri }).parse(text);
  } catch (e) {
    const message = (e instanceof Error ? e.message : String(e)).replace(/ on line \d+\.?$/, '');
    throw new RdfSyntaxError(message, lineOf(e));
  }
}
