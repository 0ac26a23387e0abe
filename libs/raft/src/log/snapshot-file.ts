import type { Snapshot, SnapshotMetadata } from '../types';
import { crc32c } from './crc32c';
import { SnapshotChecksumError } from './log-errors';
import type { WalFs } from './wal-fs';
import { dirname } from 'node:path';

/**
 * One snapshot on disk:
 *
 *   [8-byte magic "QRYSNAP1"][u32 headerLength][u32 crc32c(header)][header JSON][data]
 *
 * The JSON header holds the group, the Raft metadata, the data length and the CRC32C of the
 * data, so a reader can tell a truncated, corrupted or misplaced file from a good one.
 */
const MAGIC = Buffer.from('QRYSNAP1', 'ascii');
const PREFIX_BYTES = 16;

interface SnapshotFileHeader {
  groupId: number;
  metadata: SnapshotMetadata;
  dataBytes: number;
  dataCrc32c: number;
}

export function encodeSnapshotFile(groupId: number, snapshot: Snapshot): Buffer[] {
  const header: SnapshotFileHeader = {
    groupId,
    metadata: snapshot.metadata,
    dataBytes: snapshot.data.length,
    dataCrc32c: crc32c(snapshot.data),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix, 0);
  prefix.writeUInt32LE(json.length, 8);
  prefix.writeUInt32LE(crc32c(json), 12);
  return [prefix, json, Buffer.from(snapshot.data.buffer, snapshot.data.byteOffset, snapshot.data.byteLength)];
}

/** Parses and verifies a snapshot file's bytes; throws SnapshotChecksumError naming the file. */
export function decodeSnapshotFile(file: string, buf: Buffer, expectedGroupId: number): Snapshot {
  const fail = (reason: string): never => {
    throw new SnapshotChecksumError(file, reason);
  };
  if (buf.length < PREFIX_BYTES || !buf.subarray(0, 8).equals(MAGIC)) fail('bad magic or truncated prefix');
  const headerBytes = buf.readUInt32LE(8);
  if (PREFIX_BYTES + headerBytes > buf.length) fail('header runs past end of file');
  const json = buf.subarray(PREFIX_BYTES, PREFIX_BYTES + headerBytes);
  if (crc32c(json) !== buf.readUInt32LE(12)) fail('header checksum mismatch');
  const header = JSON.parse(json.toString('utf8')) as SnapshotFileHeader;
  if (header.groupId !== expectedGroupId) fail(`file belongs to group ${header.groupId}, not ${expectedGroupId}`);
  const data = buf.subarray(PREFIX_BYTES + headerBytes);
  if (data.length !== header.dataBytes) fail(`data is ${data.length} bytes, header says ${header.dataBytes}`);
  const actual = crc32c(data);
  if (actual !== header.dataCrc32c) {
    fail(`data checksum mismatch (stored ${header.dataCrc32c.toString(16)}, computed ${actual.toString(16)})`);
  }
  return { metadata: header.metadata, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/**
 * Writes `path` atomically: temp file, fsync, rename over the final name, fsync the directory.
 * A crash leaves either no file or the complete file under the final name (plus maybe a
 * `.tmp` leftover that the snapshot store deletes on open).
 */
export async function writeFileAtomically(fs: WalFs, path: string, buffers: readonly Uint8Array[]): Promise<void> {
  const tmp = `${path}.tmp`;
  await fs.unlink(tmp).catch(() => undefined);
  const file = await fs.openForWrite(tmp, 'create');
  try {
    await file.writev(buffers, 0);
    await file.datasync();
  } finally {
    await file.close();
  }
  await fs.rename(tmp, path);
  await fs.fsyncDir(dirname(path));
}
