import { RdfParseError } from './errors';

interface N3ErrorContext {
  line?: number;
}

/** Converts an n3 error into a typed RdfParseError carrying its (1-based) line number. */
export function toParseError(err: unknown, format: string, lineOffset = 0): RdfParseError {
  if (err instanceof RdfParseError) return err;
  const context = (err as { context?: N3ErrorContext } | undefined)?.context;
  const line = context?.line === undefined ? undefined : context.line + lineOffset;
  const message = err instanceof Error ? err.message.replace(/ on line \d+\.?$/, '') : String(err);
  return new RdfParseError(message, format, line, err);
}
