import { hash } from 'node:crypto';

/**
 * 128-bit hash of a string for the id2str table. MD5 is used as a fast, native, well
 * distributed 128-bit function (not for security): at 2^64 strings the birthday bound is
 * still far away. Node's one-shot `crypto.hash` avoids Hash object allocation (~1.2 µs/call).
 */
export function hashString(value: string): Buffer {
  return hash('md5', value, 'buffer');
}
