import { ProtocolError } from './protocol-error';

/** Request parameters from the query string and (for form posts) the form body. */
export class RequestParams {
  private readonly values = new Map<string, string[]>();

  constructor(...sources: URLSearchParams[]) {
    for (const source of sources) {
      for (const [name, value] of source) this.values.set(name, [...(this.values.get(name) ?? []), value]);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  /** A parameter that may appear at most once (the protocol says so for query/update). */
  one(name: string): string | undefined {
    const list = this.all(name);
    if (list.length > 1) throw new ProtocolError(400, `parameter '${name}' must be given at most once`);
    return list[0];
  }
}

/** The media type of a Content-Type header without parameters, lowercased. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}
