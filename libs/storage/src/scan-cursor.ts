import { CorruptDataError } from './errors';
import { INDEX_KEY_SIZE } from './index-layout';

/**
 * Resume point of a scan: the part (index) being read and the last quad returned there, as
 * its LMDB key and the term bytes of its duplicate value (version excluded). Opaque to
 * callers: base64url of [version 2 | part | key (12) | value-terms length | value terms].
 */
export interface ScanPosition {
  part: number;
  key: Buffer;
  valueTerms: Buffer;
}

const CURSOR_VERSION = 2; // 2: term ids (12-byte keys)

export function encodeCursor(position: ScanPosition): string {
  const out = Buffer.alloc(3 + INDEX_KEY_SIZE + position.valueTerms.length);
  out[0] = CURSOR_VERSION;
  out[1] = position.part;
  position.key.copy(out, 2);
  out[2 + INDEX_KEY_SIZE] = position.valueTerms.length;
  position.valueTerms.copy(out, 3 + INDEX_KEY_SIZE);
  return out.toString('base64url');
}

export function decodeCursor(cursor: string): ScanPosition {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length < 3 + INDEX_KEY_SIZE || bytes[0] !== CURSOR_VERSION || bytes.length !== 3 + INDEX_KEY_SIZE + bytes[2 + INDEX_KEY_SIZE]) {
    throw new CorruptDataError('malformed scan cursor');
  }
  return {
    part: bytes[1],
    key: bytes.subarray(2, 2 + INDEX_KEY_SIZE),
    valueTerms: bytes.subarray(3 + INDEX_KEY_SIZE),
  };
}
