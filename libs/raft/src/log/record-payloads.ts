import type { ConfState, Entry, EntryType, HardState, SnapshotMetadata } from '../types';
import { allocRecord, readU64, RECORD_HEADER_BYTES, RecordType, sealRecord, writeU64 } from './record-format';

/**
 * Encoders/decoders of the payload of each record type. Encoders produce a complete sealed
 * record (header + payload + CRC) in one buffer, so a batch is a list of buffers handed to one
 * writev.
 */

const ENTRY_TYPES: readonly EntryType[] = ['normal', 'confChange', 'confChangeV2'];
const ENTRIES_HEADER_BYTES = 4 + 8;
const ENTRY_HEADER_BYTES = 8 + 1 + 4;

function entryTypeCode(t: EntryType): number {
  const code = ENTRY_TYPES.indexOf(t);
  if (code < 0) throw new Error(`unknown entry type ${String(t)}`);
  return code;
}

export interface EncodedEntries {
  record: Buffer;
  /** Offset of each entry's data within `record` (add the record's file offset to locate it). */
  dataOffsets: number[];
}

/** Entries must be contiguous (index = first + i); callers validate that. */
export function encodeEntries(groupId: number, entries: readonly Entry[]): EncodedEntries {
  let payloadBytes = ENTRIES_HEADER_BYTES;
  for (const e of entries) payloadBytes += ENTRY_HEADER_BYTES + e.data.length;
  const buf = allocRecord(groupId, RecordType.Entries, payloadBytes);
  let p = RECORD_HEADER_BYTES;
  buf.writeUInt32LE(entries.length, p);
  writeU64(buf, p + 4, entries[0].index);
  p += ENTRIES_HEADER_BYTES;
  const dataOffsets: number[] = new Array<number>(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    writeU64(buf, p, e.term);
    buf.writeUInt8(entryTypeCode(e.type), p + 8);
    buf.writeUInt32LE(e.data.length, p + 9);
    p += ENTRY_HEADER_BYTES;
    dataOffsets[i] = p;
    buf.set(e.data, p);
    p += e.data.length;
  }
  return { record: sealRecord(buf), dataOffsets };
}

export interface DecodedEntry {
  term: number;
  type: EntryType;
  /** File offset of the data. */
  dataOffset: number;
  /** Data length; the bytes are not sliced out (replay indexes them, it does not load them). */
  length: number;
}

export interface DecodedEntries {
  firstIndex: number;
  entries: DecodedEntry[];
}

/** Throws on malformed payloads; a record that passed its CRC but does not parse is a bug. */
export function decodeEntries(payload: Buffer, payloadFileOffset: number): DecodedEntries {
  const count = payload.readUInt32LE(0);
  const firstIndex = readU64(payload, 4);
  const entries: DecodedEntry[] = new Array<DecodedEntry>(count);
  let p = ENTRIES_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const term = readU64(payload, p);
    const type = ENTRY_TYPES[payload[p + 8]];
    const len = payload.readUInt32LE(p + 9);
    p += ENTRY_HEADER_BYTES;
    if (type === undefined || p + len > payload.length) throw new Error('malformed entries payload');
    entries[i] = { term, type, dataOffset: payloadFileOffset + p, length: len };
    p += len;
  }
  return { firstIndex, entries };
}

export function encodeHardState(groupId: number, hs: HardState): Buffer {
  const buf = allocRecord(groupId, RecordType.HardState, 24);
  writeU64(buf, RECORD_HEADER_BYTES, hs.term);
  writeU64(buf, RECORD_HEADER_BYTES + 8, hs.vote);
  writeU64(buf, RECORD_HEADER_BYTES + 16, hs.commit);
  return sealRecord(buf);
}

export function decodeHardState(payload: Buffer): HardState {
  return { term: readU64(payload, 0), vote: readU64(payload, 8), commit: readU64(payload, 16) };
}

export interface LogBase {
  index: number;
  term: number;
}

export function encodeCompact(groupId: number, base: LogBase): Buffer {
  const buf = allocRecord(groupId, RecordType.Compact, 16);
  writeU64(buf, RECORD_HEADER_BYTES, base.index);
  writeU64(buf, RECORD_HEADER_BYTES + 8, base.term);
  return sealRecord(buf);
}

export function decodeCompact(payload: Buffer): LogBase {
  return { index: readU64(payload, 0), term: readU64(payload, 8) };
}

export interface SnapshotMarker {
  metadata: SnapshotMetadata;
  /** true: a snapshot received from a leader that replaces the log; false: only recorded. */
  installed: boolean;
}

export function encodeSnapshotMarker(groupId: number, marker: SnapshotMarker): Buffer {
  const conf = Buffer.from(JSON.stringify(marker.metadata.confState), 'utf8');
  const buf = allocRecord(groupId, RecordType.Snapshot, 8 + 8 + 1 + 4 + conf.length);
  let p = RECORD_HEADER_BYTES;
  writeU64(buf, p, marker.metadata.index);
  writeU64(buf, p + 8, marker.metadata.term);
  buf.writeUInt8(marker.installed ? 1 : 0, p + 16);
  buf.writeUInt32LE(conf.length, p + 17);
  p += 21;
  conf.copy(buf, p);
  return sealRecord(buf);
}

export function decodeSnapshotMarker(payload: Buffer): SnapshotMarker {
  const confLen = payload.readUInt32LE(17);
  const confState = JSON.parse(payload.subarray(21, 21 + confLen).toString('utf8')) as ConfState;
  return {
    metadata: { index: readU64(payload, 0), term: readU64(payload, 8), confState },
    installed: payload[16] === 1,
  };
}

/** The same bytes every time: group 0, type BatchEnd, no payload. */
export const BATCH_END_RECORD: Buffer = sealRecord(allocRecord(0, RecordType.BatchEnd, 0));

/** Marks a group destroyed (no payload: the group id is in the header). */
export function encodeDestroy(groupId: number): Buffer {
  return sealRecord(allocRecord(groupId, RecordType.Destroy, 0));
}
