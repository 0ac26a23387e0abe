import type { Request } from 'express';
import { ProtocolError } from './protocol-error';
import { mediaTypeOf } from './request-params';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

export interface RequestBody {
  /** Raw text of a non-form body. */
  text?: string;
  /** Fields of an application/x-www-form-urlencoded body. */
  form?: URLSearchParams;
}

function tooLarge(limit: number): ProtocolError {
  return new ProtocolError(413, `request body exceeds the limit of ${limit} bytes`, { connection: 'close' });
}

function formFromParsed(body: object): URLSearchParams {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string') form.append(name, v);
  }
  return form;
}

/**
 * Reads the request body up to `limit` bytes. Works whether or not a global body parser
 * already consumed it (runService installs express.text/urlencoded for SPARQL and RDF media
 * types; other hosts and the tests install none), so our own limit always applies.
 */
export async function readBody(req: Request, limit: number): Promise<RequestBody> {
  const type = mediaTypeOf(req.headers['content-type']);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const parsed: unknown = req.body;
  let text: string | undefined;
  if (typeof parsed === 'string') text = parsed;
  else if (Buffer.isBuffer(parsed)) text = parsed.toString('utf8');
  else if (parsed !== null && typeof parsed === 'object' && type === FORM_MEDIA_TYPE) {
    const form = formFromParsed(parsed);
    if (Buffer.byteLength(form.toString()) > limit) throw tooLarge(limit);
    return { form };
  } else if (hasUnreadBody(req)) text = await readStream(req, limit);
  if (text === undefined) return type === FORM_MEDIA_TYPE ? { form: new URLSearchParams() } : {};
  if (Buffer.byteLength(text) > limit) throw tooLarge(limit);
  return type === FORM_MEDIA_TYPE ? { form: new URLSearchParams(text) } : { text };
}

function hasUnreadBody(req: Request): boolean {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return hasBody && !req.readableEnded;
}

function readStream(req: Request, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
