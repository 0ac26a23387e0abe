import { create } from '@bufbuild/protobuf';
import { WatchEventSchema, WatchEventType, type KeyValue, type WatchEvent } from '@quarry/proto';

/** A watch asked for revisions the history no longer holds. */
export class CompactedError extends Error {
  constructor(
    readonly fromRevision: bigint,
    readonly compactRevision: bigint,
  ) {
    super(`revision ${fromRevision} is compacted: the oldest revision kept is ${compactRevision + 1n}`);
    this.name = 'CompactedError';
  }
}

export function hasPrefix(key: Uint8Array, prefix: Uint8Array): boolean {
  if (key.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (key[i] !== prefix[i]) return false;
  return true;
}

/** Bytes an event is counted for when bounding the history and replies (key, value, overhead). */
export const eventBytes = (ev: WatchEvent): number => (ev.kv ? ev.kv.key.length + ev.kv.value.length : 0) + 32;

export interface HistoryLimits {
  /** Revisions kept at most. */
  revisions: number;
  /** Bytes kept at most (large values would otherwise make snapshots and memory balloon). */
  bytes: number;
}

/**
 * The recent revisions of the KV as watch events, bounded by count and bytes. Every revision is
 * exactly one event, so the history is contiguous: it holds revisions (compactRevision,
 * revision], and the event of revision r sits at offset r - compactRevision - 1. Trimming
 * depends only on replicated data, so replicas with the same limits keep the same history.
 */
export class WatchHistory {
  private events: WatchEvent[] = [];
  /** Index of the oldest kept event in `events` (dropping from the front lazily is O(1)). */
  private head = 0;
  /** Revisions up to and including this one are gone. */
  compactRevision = 0n;
  private bytes = 0;

  constructor(readonly limits: HistoryLimits) {
    if (!Number.isInteger(limits.revisions) || limits.revisions < 1) throw new Error(`watch history must keep a positive number of revisions, got ${limits.revisions}`);
    if (!(limits.bytes > 0)) throw new Error(`watch history must keep a positive number of bytes, got ${limits.bytes}`);
  }

  /** Bytes held, as counted by eventBytes. */
  get byteSize(): number {
    return this.bytes;
  }

  get size(): number {
    return this.events.length - this.head;
  }

  /** The newest revision in the history (compactRevision when empty). */
  get lastRevision(): bigint {
    return this.compactRevision + BigInt(this.size);
  }

  put(kv: KeyValue): void {
    this.append(create(WatchEventSchema, { type: WatchEventType.PUT, kv }));
  }

  delete(key: Uint8Array, revision: bigint): void {
    this.append(create(WatchEventSchema, { type: WatchEventType.DELETE, kv: { key, modRevision: revision } }));
  }

  private append(ev: WatchEvent): void {
    const revision = ev.kv!.modRevision;
    if (revision !== this.lastRevision + 1n) throw new Error(`watch history: event for revision ${revision} after ${this.lastRevision}`);
    this.events.push(ev);
    this.bytes += eventBytes(ev);
    this.trim();
  }

  private trim(): void {
    let dropped = 0;
    while (this.size - dropped > this.limits.revisions || (this.bytes > this.limits.bytes && this.size - dropped > 0)) {
      this.bytes -= eventBytes(this.events[this.head + dropped]);
      dropped++;
    }
    if (dropped === 0) return;
    this.head += dropped;
    this.compactRevision += BigInt(dropped);
    // Copy the kept tail only once the dropped front outweighs it: amortised O(1) per event.
    if (this.head > 1024 && this.head > this.events.length / 2) {
      this.events = this.events.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Events on keys with `prefix` from revision `from` on, at most `limit` of them and about
   * `maxBytes` (at least one event, however big). `next` is the revision after the last one
   * looked at, where the following call should start.
   */
  since(prefix: Uint8Array, from: bigint, limit: number, maxBytes = Infinity): { events: WatchEvent[]; next: bigint } {
    if (from <= this.compactRevision) throw new CompactedError(from, this.compactRevision);
    const out: WatchEvent[] = [];
    let i = this.head + Number(from - this.compactRevision - 1n);
    let next = from > this.lastRevision ? from : this.lastRevision + 1n;
    let bytes = 0;
    for (; i < this.events.length; i++) {
      const ev = this.events[i];
      if (!hasPrefix(ev.kv!.key, prefix)) continue;
      out.push(ev);
      bytes += eventBytes(ev);
      if (out.length >= limit || bytes >= maxBytes) {
        next = ev.kv!.modRevision + 1n;
        break;
      }
    }
    return { events: out, next };
  }

  all(): WatchEvent[] {
    return this.events.slice(this.head);
  }

  /** Replaces the history with a snapshot's: `events` must be contiguous and end at `revision`. */
  restore(events: WatchEvent[], revision: bigint): void {
    this.events = [...events];
    this.head = 0;
    this.bytes = events.reduce((n, ev) => n + eventBytes(ev), 0);
    this.compactRevision = revision - BigInt(events.length);
    events.forEach((ev, i) => {
      if (ev.kv?.modRevision !== this.compactRevision + BigInt(i) + 1n) throw new Error(`snapshot watch history is not contiguous at revision ${ev.kv?.modRevision}`);
    });
    this.trim();
  }
}
