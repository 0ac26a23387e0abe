/** What a protocol service answers; the controller writes it to the HTTP response. */
export interface ProtocolResponse {
  status: number;
  headers: Record<string, string>;
  /** A string, or chunks streamed as they are produced; absent for 204 and HEAD. */
  body?: string | AsyncIterable<string>;
}

export function textResponse(status: number, text: string, headers: Record<string, string> = {}): ProtocolResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: `${text}\n` };
}
