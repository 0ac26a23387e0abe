import type { Term } from './terms';
import { termToNTriples } from './ntriples-term';

// FNV-1a 64 over the UTF-8 bytes of the subject's canonical N-Triples form. FNV is not the
// fastest hash, but it is trivially portable (any language can route the same way) and the
// input is short. The 64-bit multiply is done in four 16-bit limbs so it stays in doubles
// (BigInt arithmetic per byte is ~20x slower).
const encoder = new TextEncoder();

/** FNV-1a 64 of bytes, written big-endian into `out` at `offset` (8 bytes). */
export function fnv1a64Into(bytes: Uint8Array, out: Uint8Array, offset = 0): void {
  // offset basis 0xcbf29ce484222325 as limbs, most significant first
  let h0 = 0xcbf2,
    h1 = 0x9ce4,
    h2 = 0x8422,
    h3 = 0x2325;
  for (let i = 0; i < bytes.length; i++) {
    h3 ^= bytes[i];
    // h * 0x100000001b3 mod 2^64 = h * 0x1b3 + (h << 40)
    const t3 = h3 * 0x1b3;
    const t2 = h2 * 0x1b3 + (t3 >>> 16);
    const t1 = h1 * 0x1b3 + (t2 >>> 16) + (h3 << 8);
    const t0 = h0 * 0x1b3 + (t1 >>> 16) + (h2 << 8);
    h3 = t3 & 0xffff;
    h2 = t2 & 0xffff;
    h1 = t1 & 0xffff;
    h0 = t0 & 0xffff;
  }
  out[offset] = h0 >>> 8;
  out[offset + 1] = h0 & 0xff;
  out[offset + 2] = h1 >>> 8;
  out[offset + 3] = h1 & 0xff;
  out[offset + 4] = h2 >>> 8;
  out[offset + 5] = h2 & 0xff;
  out[offset + 6] = h3 >>> 8;
  out[offset + 7] = h3 & 0xff;
}

/** 8-byte big-endian routing key of a subject: byte order equals numeric order of the hash. */
export function subjectHashKey(subject: Term): Uint8Array {
  const out = new Uint8Array(8);
  fnv1a64Into(encoder.encode(termToNTriples(subject)), out);
  return out;
}

/** The routing hash as an unsigned 64-bit bigint. */
export function subjectHash(subject: Term): bigint {
  const key = subjectHashKey(subject);
  return new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0, false);
}
