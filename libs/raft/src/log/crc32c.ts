import { crc32cSoftware } from './crc32c-software';

/**
 * CRC32C used by every checksum of the log (WAL records, snapshot files, snapshot chunks).
 *
 * The native SIMD implementation (@node-rs/crc32, prebuilt binary shipped inside the npm
 * package, no install script) is ~6x faster than the table-driven one at 4 KiB and ~15-25x at
 * 1 MiB, but slower below a few hundred bytes (N-API call overhead); see bench.ts. Small
 * inputs therefore use the table-driven version, as does every input if the binary cannot be
 * loaded on this platform (both compute the same values; crc32c.spec.ts checks them).
 */
export type Crc32c = (data: Uint8Array, previous?: number) => number;

function loadNative(): Crc32c | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('@node-rs/crc32') as { crc32c: (input: Uint8Array, initial?: number | null) => number };
    // Self-test: a broken or mismatched binary must never silently produce other checksums.
    if (mod.crc32c(Buffer.from('123456789')) !== 0xe3069283) return undefined;
    return (data, previous = 0) => mod.crc32c(asBuffer(data), previous) >>> 0;
  } catch {
    return undefined;
  }
}

/** The native binding takes Buffer; wrapping a Uint8Array view does not copy. */
function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

const native = loadNative();

export const crc32cImplementation: 'native' | 'software' = native ? 'native' : 'software';

/**
 * Below this size the N-API call overhead of the native binding costs more than the
 * table-driven loop (measured by bench.ts: ~550 vs ~330 MiB/s at 100 bytes).
 */
const NATIVE_MIN_BYTES = 256;

export const crc32c: Crc32c =
  native === undefined ? crc32cSoftware : (data, previous = 0) => (data.length < NATIVE_MIN_BYTES ? crc32cSoftware(data, previous) : native(data, previous));
