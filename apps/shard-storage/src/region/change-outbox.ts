import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { PendingChangeSchema, RegionOutboxSchema, type PendingChange } from '@quarry/proto';

const MAGIC = Buffer.from('QRO1');

/**
 * Changes a region committed that its leader has not yet confirmed published to the change
 * feed (docs/change-feed.md). Replicated state, like the lock table: every replica appends at
 * apply and drops at TrimChanges, and snapshots carry it, so a new leader publishes exactly what
 * the old one had not.
 */
export class ChangeOutbox {
  private changes: PendingChange[] = [];
  private byteCount = 0;

  get size(): number {
    return this.changes.length;
  }

  /** Bytes of batches held (the storage node refuses writes when the feed falls far behind). */
  get bytes(): number {
    return this.byteCount;
  }

  add(commitTs: bigint, txId: string, batches: Uint8Array[]): void {
    this.changes.push(create(PendingChangeSchema, { commitTs, txId, batches }));
    for (const b of batches) this.byteCount += b.length;
  }

  /** Changes committed at or before `ts`, in commit-timestamp order (apply order may differ). */
  upTo(ts: bigint): PendingChange[] {
    return this.changes.filter((c) => c.commitTs <= ts).sort((a, b) => (a.commitTs < b.commitTs ? -1 : a.commitTs > b.commitTs ? 1 : 0));
  }

  trim(upToTs: bigint): void {
    const kept: PendingChange[] = [];
    this.byteCount = 0;
    for (const c of this.changes) {
      if (c.commitTs <= upToTs) continue;
      kept.push(c);
      for (const b of c.batches) this.byteCount += b.length;
    }
    this.changes = kept;
  }

  encode(): Buffer {
    return Buffer.concat([MAGIC, toBinary(RegionOutboxSchema, create(RegionOutboxSchema, { changes: this.changes }))]);
  }

  static isChunk(chunk: Uint8Array): boolean {
    return chunk.length >= MAGIC.length && Buffer.from(chunk.buffer, chunk.byteOffset, MAGIC.length).equals(MAGIC);
  }

  static decode(chunk: Uint8Array): ChangeOutbox {
    const outbox = new ChangeOutbox();
    for (const c of fromBinary(RegionOutboxSchema, chunk.subarray(MAGIC.length)).changes) outbox.add(c.commitTs, c.txId, c.batches);
    return outbox;
  }
}
