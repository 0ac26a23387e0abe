import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentLoader } from './document-loader';

describe('documentLoader (SPARQL LOAD)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-load-'));
  const outside = mkdtempSync(join(tmpdir(), 'quarry-load-out-'));
  let server: Server;
  let base = '';

  beforeAll(async () => {
    writeFileSync(join(dir, 'people.ttl'), '@prefix ex: <http://ex/> . ex:a ex:knows ex:b , [ ex:name "anon" ] .');
    writeFileSync(join(outside, 'secret.nt'), '<http://ex/s> <http://ex/p> "secret" .\n');
    server = createServer((req, res) => {
      if (req.url === '/data') {
        res.writeHead(200, { 'content-type': 'application/n-triples' });
        res.end('<http://ex/x> <http://ex/p> "1" .\n<http://ex/y> <http://ex/p> "2" .\n');
      } else if (req.url === '/bad') {
        res.writeHead(200, { 'content-type': 'text/turtle' });
        res.end('<http://ex/x> <http://ex/p> ');
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'application/n-triples' });
        res.end('<http://ex/x> <http://ex/p> "1" .\n'.repeat(200));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const collect = async (loader: ReturnType<typeof documentLoader>, iri: string) => {
    const out = [];
    for await (const q of loader(iri)) out.push(q);
    return out;
  };
  const fails = (p: Promise<unknown>) => p.then(() => '', (e: unknown) => (e as Error).message);
  const opts = { allow: '*' as const, localDir: dir, timeoutMs: 5000, maxBytes: 1024 };

  it('loads http(s) documents by content type, and fails on a 404, bad syntax, an oversized body or a source not allowed', async () => {
    const loader = documentLoader(opts);
    expect((await collect(loader, `${base}/data`)).map((q) => q.object.value)).toEqual(['1', '2']);
    expect(await fails(collect(loader, `${base}/missing`))).toMatch(/answered 404/);
    expect(await fails(collect(loader, `${base}/bad`))).not.toBe('');
    expect(await fails(collect(loader, `${base}/big`))).toMatch(/QUARRY_LOAD_MAX_BYTES/);
    expect(await fails(collect(documentLoader({ ...opts, allow: ['http://elsewhere/'] }), `${base}/data`))).toMatch(/QUARRY_LOAD_ALLOW/);
    expect(await fails(collect(loader, 'ftp://x/y'))).toMatch(/only http\(s\) and file:/);
  });

  it('reads file: IRIs only under QUARRY_LOAD_DIR, with fresh blank nodes per load', async () => {
    const loader = documentLoader(opts);
    const iri = pathToFileURL(join(dir, 'people.ttl')).href;
    const first = await collect(loader, iri);
    expect(first.length).toBe(3);
    const second = await collect(loader, iri);
    const blank = (qs: typeof first) => qs.find((q) => q.object.termType === 'BlankNode')!.object.value;
    expect(blank(first)).not.toBe(blank(second));
    expect(await fails(collect(loader, pathToFileURL(join(outside, 'secret.nt')).href))).toMatch(/only files under QUARRY_LOAD_DIR/);
    expect(await fails(collect(loader, pathToFileURL(join(dir, 'nope.nt')).href))).toMatch(/no such file/);
    expect(await fails(collect(documentLoader({ ...opts, localDir: '' }), iri))).toMatch(/disabled/);
  });
});
