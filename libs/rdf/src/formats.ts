/** The RDF syntaxes Quarry reads and writes. */
export type RdfFormat = 'N-Triples' | 'N-Quads' | 'Turtle' | 'TriG';

export const RDF_FORMATS: readonly RdfFormat[] = ['N-Triples', 'N-Quads', 'Turtle', 'TriG'];

// The registered type of each syntax first (mediaTypeOf picks it), then the aliases still sent.
const BY_MEDIA_TYPE: Record<string, RdfFormat> = {
  'application/n-triples': 'N-Triples',
  'application/n-quads': 'N-Quads',
  'text/turtle': 'Turtle',
  'application/trig': 'TriG',
  'application/x-turtle': 'Turtle',
  'text/plain': 'N-Triples',
};

/** Every media type formatFromMediaType understands. */
export const RDF_MEDIA_TYPES: readonly string[] = Object.keys(BY_MEDIA_TYPE);

const BY_EXTENSION: Record<string, RdfFormat> = { nt: 'N-Triples', nq: 'N-Quads', ttl: 'Turtle', trig: 'TriG' };

export function formatFromMediaType(mediaType: string): RdfFormat | undefined {
  return BY_MEDIA_TYPE[mediaType.split(';')[0].trim().toLowerCase()];
}

export function mediaTypeOf(format: RdfFormat): string {
  return Object.entries(BY_MEDIA_TYPE).find(([, f]) => f === format)![0];
}

/** Guesses the format from a file name, looking through a trailing `.gz`. */
export function formatFromFileName(name: string): RdfFormat | undefined {
  const parts = name.toLowerCase().split('.');
  if (parts[parts.length - 1] === 'gz') parts.pop();
  return BY_EXTENSION[parts[parts.length - 1]];
}

/** Whether the format can carry named graphs. */
export function isQuadFormat(format: RdfFormat): boolean {
  return format === 'N-Quads' || format === 'TriG';
}
