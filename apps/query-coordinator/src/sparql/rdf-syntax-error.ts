/** RDF in a request body that does not parse; line is 1-based when the parser knows it. */
export class RdfSyntaxError extends Error {
  override readonly name = 'RdfSyntaxError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}
