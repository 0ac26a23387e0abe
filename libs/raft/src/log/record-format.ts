import { crc32c } from './crc32c';

/**
 * On-disk layout of one WAL record (all integers little-endian):
 *
 *   [u32 length][u32 crc32c][u64 groupId][u8 type][payload...]
 *
 * `length` counts every byte after the length field (crc + body); `crc32c` covers the body
 * (groupId, type, payload). The length is outside the checksum, so a corrupted length is caught
 * as a CRC mismatch of whatever it frames (or as an out-of-range length).
 */
export const RecordType = {
  /** Entries [first, first+n): truncates the group's log at `first` then appends (see README). */
  Entries: 1,
  HardState: 2,
  /** Entries <= index discarded; (index, term) becomes the log's base. */
  Compact: 3,
  /** Snapshot metadata; `installed` snapshots also replace the whole log. */
  Snapshot: 4,
  /**
   * Ends a write batch (group 0, empty payload). Replay applies a batch's records only once its
   * BatchEnd is read, so a batch is all-or-nothing across a crash.
   */
  BatchEnd: 5,
  /**
   * The group's replica was destroyed (moved away, or merged): replay forgets everything it
   * read of the group so far, so its older records pin no segment and never resurrect it.
   * Records after it start the group afresh. Empty payload.
   */
  Destroy: 6,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

export const LENGTH_BYTES = 4;
export const CRC_BYTES = 4;
/** Bytes from the record start to its payload. */
export const RECORD_HEADER_BYTES = LENGTH_BYTES + CRC_BYTES + 8 + 1;
/** Smallest valid `length` value (crc + groupId + type, empty payload). */
export const MIN_RECORD_LENGTH = RECORD_HEADER_BYTES - LENGTH_BYTES;
/** Anything larger is garbage: a single record never exceeds a segment, and segments are capped. */
export const MAX_RECORD_LENGTH = 1 << 30;

const TWO_32 = 0x1_0000_0000;

export function writeU64(buf: Buffer, offset: number, value: number): void {
  buf.writeUInt32LE(value % TWO_32, offset);
  buf.writeUInt32LE(Math.floor(value / TWO_32), offset + 4);
}

export function readU64(buf: Uint8Array, offset: number): number {
  const b = asBuffer(buf);
  return b.readUInt32LE(offset) + b.readUInt32LE(offset + 4) * TWO_32;
}

export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export function isKnownRecordType(t: number): t is RecordType {
  return t >= RecordType.Entries && t <= RecordType.Destroy;
}

/** Allocates a record with room for `payloadBytes`, header written except the CRC. */
export function allocRecord(groupId: number, type: RecordType, payloadBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payloadBytes);
  buf.writeUInt32LE(buf.length - LENGTH_BYTES, 0);
  writeU64(buf, LENGTH_BYTES + CRC_BYTES, groupId);
  buf.writeUInt8(type, LENGTH_BYTES + CRC_BYTES + 8);
  return buf;
}

/** Computes and stores the CRC once the payload is filled in. */
export function sealRecord(buf: Buffer): Buffer {
  buf.writeUInt32LE(crc32c(buf.subarray(LENGTH_BYTES + CRC_BYTES)), LENGTH_BYTES);
  return buf;
}

/** A record framed and checksum-verified by the segment scanner. */
export interface RawRecord {
  groupId: number;
  type: RecordType;
  /** Payload bytes (a view into the segment buffer). */
  payload: Buffer;
  /** File offset of the payload's first byte, so entry data can be located on disk. */
  payloadOffset: number;
}

export type FrameResult = { kind: 'ok'; record: RawRecord; next: number } | { kind: 'bad'; reason: string };

/** Tries to parse one record at `offset`; never throws. */
export function frameRecordAt(buf: Buffer, offset: number): FrameResult {
  if (buf.length - offset < LENGTH_BYTES) return { kind: 'bad', reason: 'truncated length field' };
  const length = buf.readUInt32LE(offset);
  if (length < MIN_RECORD_LENGTH || length > MAX_RECORD_LENGTH) {
    return { kind: 'bad', reason: `implausible record length ${length}` };
  }
  const end = offset + LENGTH_BYTES + length;
  if (end > buf.length) return { kind: 'bad', reason: `record of ${length} bytes runs past end of file` };
  const bodyStart = offset + LENGTH_BYTES + CRC_BYTES;
  const type = buf[bodyStart + 8];
  if (!isKnownRecordType(type)) return { kind: 'bad', reason: `unknown record type ${type}` };
  const stored = buf.readUInt32LE(offset + LENGTH_BYTES);
  const actual = crc32c(buf.subarray(bodyStart, end));
  if (stored !== actual) return { kind: 'bad', reason: `CRC mismatch (stored ${hex(stored)}, computed ${hex(actual)})` };
  const payloadOffset = offset + RECORD_HEADER_BYTES;
  return {
    kind: 'ok',
    record: { groupId: readU64(buf, bodyStart), type, payload: buf.subarray(payloadOffset, end), payloadOffset },
    next: end,
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
