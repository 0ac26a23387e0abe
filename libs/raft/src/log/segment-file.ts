import { join } from 'node:path';

/**
 * Naming and header of WAL segment files: `<20-digit sequence>.wal` so lexical order is replay
 * order, with a 16-byte header [8-byte magic][u64 sequence] that guards against replaying a
 * foreign or renamed file.
 */
export const SEGMENT_MAGIC = Buffer.from('QRYWAL01', 'ascii');
export const SEGMENT_HEADER_BYTES = 16;
const SUFFIX = '.wal';

export function segmentFileName(seq: number): string {
  return `${String(seq).padStart(20, '0')}${SUFFIX}`;
}

export function segmentPath(dir: string, seq: number): string {
  return join(dir, segmentFileName(seq));
}

/** Sequence number of a segment file name, or undefined for other files. */
export function parseSegmentFileName(name: string): number | undefined {
  if (!/^\d{20}\.wal$/.test(name)) return undefined;
  return Number(name.slice(0, 20));
}

export function encodeSegmentHeader(seq: number): Buffer {
  const buf = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(buf, 0);
  buf.writeUInt32LE(seq % 0x1_0000_0000, 8);
  buf.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), 12);
  return buf;
}

/** Why a header is invalid, or undefined if it is good. */
export function checkSegmentHeader(buf: Buffer, seq: number): string | undefined {
  if (buf.length < SEGMENT_HEADER_BYTES) return `segment header truncated (${buf.length} bytes)`;
  if (!buf.subarray(0, 8).equals(SEGMENT_MAGIC)) return 'bad segment magic';
  const stored = buf.readUInt32LE(8) + buf.readUInt32LE(12) * 0x1_0000_0000;
  if (stored !== seq) return `segment header names sequence ${stored}, file name ${seq}`;
  return undefined;
}
