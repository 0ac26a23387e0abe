import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { formatFromFileName, formatFromMediaType, parseBatches, type Quad, type RdfFormat } from '@quarry/rdf';
import type { UpdateLoader } from '@quarry/sparql';

export interface DocumentLoaderOptions {
  /** http(s) sources LOAD may fetch: '*' for any, or IRI prefixes; [] for none. */
  allow: '*' | readonly string[];
  /** Directory whose files LOAD may read as file: IRIs ('' = no local files). */
  localDir: string;
  timeoutMs: number;
  maxBytes: number;
}

/**
 * SPARQL LOAD's document fetcher: http(s) URLs on the allow list, and file: IRIs under one
 * directory (a server reading arbitrary local files for anyone who can send an update would be
 * a hole). The format comes from the Content-Type, else from the name's extension. Any failure
 * (refused, unreachable, too big, unparsable) throws, so the update fails with nothing written
 * unless it says SILENT.
 */
export function documentLoader(opts: DocumentLoaderOptions): UpdateLoader {
  return async function* load(iri: string, signal?: AbortSignal): AsyncGenerator<Quad> {
    const { input, format } = iri.startsWith('file:') ? await openLocal(iri, opts) : await openRemote(iri, opts, signal);
    // Blank nodes of different documents (and of two LOADs of one document) must stay apart.
    const blankNodePrefix = `l${randomBytes(4).toString('hex')}_`;
    let bytes = 0;
    input.on('data', (chunk: Buffer | string) => {
      bytes += chunk.length;
      if (bytes > opts.maxBytes) input.destroy(new Error(`LOAD <${iri}>: the document exceeds QUARRY_LOAD_MAX_BYTES (${opts.maxBytes} bytes)`));
    });
    for await (const batch of parseBatches(input, { format, baseIri: iri, blankNodePrefix })) yield* batch;
  };
}

async function openLocal(iri: string, opts: DocumentLoaderOptions): Promise<{ input: Readable; format: RdfFormat }> {
  const { path, format } = await localFileOf(iri, opts.localDir);
  return { input: createReadStream(path), format };
}

/** The file a file: IRI names, if LOAD may read it (under `localDir`), and its RDF format; throws otherwise. */
export async function localFileOf(iri: string, localDir: string): Promise<{ path: string; format: RdfFormat }> {
  if (!localDir) throw new Error(`LOAD <${iri}>: loading local files is disabled (set QUARRY_LOAD_DIR)`);
  const root = await realpath(resolve(localDir));
  const path = await realpath(fileURLToPath(iri)).catch(() => {
    throw new Error(`LOAD <${iri}>: no such file`);
  });
  if (path !== root && !path.startsWith(root + sep)) throw new Error(`LOAD <${iri}>: only files under QUARRY_LOAD_DIR may be loaded`);
  if (!(await stat(path)).isFile()) throw new Error(`LOAD <${iri}>: not a file`);
  const format = formatFromFileName(path);
  if (!format) throw new Error(`LOAD <${iri}>: cannot tell the RDF format from the file name (.nt .nq .ttl .trig, optionally .gz)`);
  return { path, format };
}

async function openRemote(iri: string, opts: DocumentLoaderOptions, signal?: AbortSignal): Promise<{ input: Readable; format: RdfFormat }> {
  if (!/^https?:\/\//i.test(iri)) throw new Error(`LOAD <${iri}>: only http(s) and file: IRIs can be loaded`);
  if (opts.allow !== '*' && !opts.allow.some((prefix) => iri.startsWith(prefix))) throw new Error(`LOAD <${iri}>: the source is not on QUARRY_LOAD_ALLOW`);
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const res = await fetch(iri, {
    headers: { accept: 'application/n-triples, application/n-quads, text/turtle, application/trig;q=0.9, */*;q=0.1' },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((err: unknown) => {
    throw new Error(`LOAD <${iri}>: ${timeout.aborted ? `no answer within ${opts.timeoutMs} ms` : (err as Error).message}`);
  });
  if (res.status !== 200 || !res.body) throw new Error(`LOAD <${iri}>: the server answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > opts.maxBytes) throw new Error(`LOAD <${iri}>: the document (${declared} bytes) exceeds QUARRY_LOAD_MAX_BYTES (${opts.maxBytes})`);
  const format = formatFromMediaType(res.headers.get('content-type') ?? '') ?? formatFromFileName(new URL(iri).pathname);
  if (!format) throw new Error(`LOAD <${iri}>: unknown RDF format (content type ${res.headers.get('content-type') ?? 'none'})`);
  return { input: Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]), format };
}
