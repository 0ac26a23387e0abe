import type { Snapshot, SnapshotMetadata } from '../types';
import { crc32c } from './crc32c';
import { SnapshotChecksumError } from './log-errors';

/**
 * Chunked InstallSnapshot transfer. The sender splits a snapshot into chunks that each carry
 * their offset and CRC32C plus the whole snapshot's size and CRC32C; the receiver appends chunks
 * strictly in order, reports the offset to resume from after a loss or a bad chunk, and hands
 * out the snapshot only once the total length and checksum verify.
 */
export interface SnapshotChunk {
  metadata: SnapshotMetadata;
  offset: number;
  data: Uint8Array;
  /** CRC32C of `data`. */
  crc32c: number;
  totalBytes: number;
  /** CRC32C of the whole snapshot data. */
  totalCrc32c: number;
  last: boolean;
}

export const DEFAULT_CHUNK_BYTES = 1 << 20;

/** Splits a snapshot into chunks (views into its data, no copies). */
export function splitSnapshot(snapshot: Snapshot, chunkBytes = DEFAULT_CHUNK_BYTES): SnapshotChunk[] {
  if (chunkBytes <= 0) throw new Error('chunkBytes must be positive');
  const { data, metadata } = snapshot;
  const totalCrc32c = crc32c(data);
  const chunks: SnapshotChunk[] = [];
  let offset = 0;
  do {
    const piece = data.subarray(offset, Math.min(data.length, offset + chunkBytes));
    const last = offset + piece.length >= data.length;
    chunks.push({ metadata, offset, data: piece, crc32c: crc32c(piece), totalBytes: data.length, totalCrc32c, last });
    offset += piece.length;
  } while (offset < data.length);
  return chunks;
}

export type ChunkVerdict =
  /** Appended; send the chunk at nextOffset. */
  | 'accepted'
  /** Already have these bytes (a retransmission); ignored. */
  | 'duplicate'
  /** A gap before this chunk; resend from nextOffset. */
  | 'out-of-order'
  /** Chunk checksum failed or it belongs to another transfer; resend from nextOffset. */
  | 'rejected'
  /** All bytes received and the total checksum verified: call snapshot(). */
  | 'complete';

export interface ChunkResult {
  verdict: ChunkVerdict;
  nextOffset: number;
  reason?: string;
}

/** Assembles one snapshot from chunks; create a new receiver per transfer (metadata). */
export class SnapshotReceiver {
  private parts: Uint8Array[] = [];
  private received = 0;
  private runningCrc = 0;
  private expected: SnapshotChunk | undefined;
  private done: Snapshot | undefined;

  /** Offset the sender should (re)start from: end of the last verified chunk. */
  get nextOffset(): number {
    return this.received;
  }

  accept(chunk: SnapshotChunk): ChunkResult {
    if (this.done !== undefined) return { verdict: 'duplicate', nextOffset: this.received };
    const mismatch = this.transferMismatch(chunk);
    if (mismatch !== undefined) return this.reject(mismatch);
    if (chunk.offset < this.received) return { verdict: 'duplicate', nextOffset: this.received };
    if (chunk.offset > this.received) return { verdict: 'out-of-order', nextOffset: this.received };
    if (crc32c(chunk.data) !== chunk.crc32c) return this.reject(`chunk at offset ${chunk.offset}: checksum mismatch`);
    if (chunk.offset + chunk.data.length > chunk.totalBytes) return this.reject('chunk runs past the total size');
    this.expected ??= chunk;
    // Copy: the transport may reuse its buffers after we return.
    this.parts.push(Uint8Array.from(chunk.data));
    this.received += chunk.data.length;
    this.runningCrc = crc32c(chunk.data, this.runningCrc);
    if (this.received < chunk.totalBytes) return { verdict: 'accepted', nextOffset: this.received };
    return this.finish(chunk);
  }

  /** The verified snapshot, once complete; throws before that. */
  snapshot(): Snapshot {
    if (this.done === undefined) throw new Error(`snapshot incomplete: ${this.received} bytes received`);
    return this.done;
  }

  private finish(chunk: SnapshotChunk): ChunkResult {
    if (this.runningCrc !== chunk.totalCrc32c) {
      const reason = `total checksum mismatch (expected ${chunk.totalCrc32c.toString(16)}, got ${this.runningCrc.toString(16)})`;
      // Nothing is trustworthy any more: restart the transfer from zero.
      this.parts = [];
      this.received = 0;
      this.runningCrc = 0;
      this.expected = undefined;
      return { verdict: 'rejected', nextOffset: 0, reason };
    }
    const data = Buffer.concat(this.parts);
    this.parts = [];
    this.done = { metadata: chunk.metadata, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    return { verdict: 'complete', nextOffset: this.received };
  }

  /** Throwing variant for callers that treat any rejection as fatal for the transfer. */
  acceptOrThrow(chunk: SnapshotChunk): ChunkResult {
    const result = this.accept(chunk);
    if (result.verdict === 'rejected') throw new SnapshotChecksumError(`InstallSnapshot@${chunk.metadata.index}`, result.reason ?? '');
    return result;
  }

  private transferMismatch(chunk: SnapshotChunk): string | undefined {
    const first = this.expected;
    if (first === undefined) return undefined;
    if (
      first.metadata.index !== chunk.metadata.index ||
      first.metadata.term !== chunk.metadata.term ||
      first.totalBytes !== chunk.totalBytes ||
      first.totalCrc32c !== chunk.totalCrc32c
    ) {
      return 'chunk belongs to a different snapshot transfer';
    }
    return undefined;
  }

  private reject(reason: string): ChunkResult {
    return { verdict: 'rejected', nextOffset: this.received, reason };
  }
}
