import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable } from 'node:stream';

/** gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Returns a stream of the decompressed bytes when the input starts with the gzip magic, or the
 * bytes unchanged otherwise. Sniffs the first chunk, so callers need not know the encoding.
 */
export function maybeGunzip(input: Readable): Readable {
  const out = new PassThrough();
  let decided = false;
  let target: NodeJS.WritableStream = out;
  input.on('error', (err) => out.destroy(err));
  input.on('data', (chunk: Buffer) => {
    if (!decided) {
      decided = true;
      if (isGzip(chunk)) {
        const gunzip = createGunzip();
        gunzip.on('error', (err) => out.destroy(err));
        gunzip.pipe(out);
        target = gunzip;
      }
    }
    if (!target.write(chunk)) {
      input.pause();
      target.once('drain', () => input.resume());
    }
  });
  input.on('end', () => target.end());
  return out;
}
