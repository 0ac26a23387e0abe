/** Raised for malformed RDF input; `line` is 1-based when the parser knows it. */
export class RdfParseError extends Error {
  override readonly name = 'RdfParseError';
  constructor(
    message: string,
    readonly format: string,
    readonly line: number | undefined,
    override readonly cause?: unknown,
  ) {
    super(line === undefined ? `${format}: ${message}` : `${format} line ${line}: ${message}`);
  }
}

/** Raised when a term cannot be represented (e.g. a literal as subject on serialisation). */
export class RdfTermError extends Error {
  override readonly name = 'RdfTermError';
}
