import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from './crc32c';
import { crc32cSoftware } from './crc32c-software';

// RFC 3720 (iSCSI) appendix B.4 test vectors plus the common "123456789" check value.
const VECTORS: [string, Uint8Array, number][] = [
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 0xff bytes', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['0..31 ascending', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ['31..0 descending', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
  ['"123456789"', new TextEncoder().encode('123456789'), 0xe3069283],
  ['empty', new Uint8Array(0), 0],
];

describe('CRC32C', () => {
  for (const [name, data, expected] of VECTORS) {
    it(`matches the reference value for ${name}`, () => {
      expect(crc32cSoftware(data)).toBe(expected);
      expect(crc32c(data)).toBe(expected);
    });
  }

  it('native and software agree on random data, including continuation', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(3000), (data, cut) => {
        const at = Math.min(cut, data.length);
        const whole = crc32cSoftware(data);
        expect(crc32c(data)).toBe(whole);
        expect(crc32cSoftware(data.subarray(at), crc32cSoftware(data.subarray(0, at)))).toBe(whole);
        expect(crc32c(data.subarray(at), crc32c(data.subarray(0, at)))).toBe(whole);
      }),
    );
  });
});
