/** Raised when a query or update text does not parse. Line/column are 1-based when known. */
export class SparqlSyntaxError extends Error {
  override readonly name = 'SparqlSyntaxError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Raised when a query exceeds a configured row or memory budget. */
export class QueryLimitError extends Error {
  override readonly name = 'QueryLimitError';
  constructor(
    message: string,
    readonly limit: 'rows' | 'memory',
  ) {
    super(message);
  }
}

/** Raised when a query is cancelled through its AbortSignal. */
export class QueryAbortedError extends Error {
  override readonly name = 'QueryAbortedError';
  constructor(message = 'query aborted') {
    super(message);
  }
}

/** Raised for constructs the engine parses but cannot run (e.g. SERVICE without a handler). */
export class UnsupportedQueryError extends Error {
  override readonly name = 'UnsupportedQueryError';
}

/**
 * A SPARQL expression error (type error, unbound variable...). Per spec §17.3 these never
 * abort the query: FILTER treats them as false and BIND leaves the variable unbound.
 */
export class ExpressionError extends Error {
  override readonly name = 'ExpressionError';
}
