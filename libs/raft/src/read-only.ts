import type { Message } from './types';

/**
 * How linearizable reads are confirmed:
 * - Safe: the leader records its commit index and broadcasts a heartbeat carrying the
 *   request context; once a quorum answers, no newer leader can exist that committed more, so
 *   the index is safe to read at.
 * - LeaseBased: the leader answers immediately, trusting that CheckQuorum makes it step down
 *   before another leader can be elected (relies on bounded clock drift: only valid with
 *   CheckQuorum).
 */
export type ReadOnlyOption = 'Safe' | 'LeaseBased';

export interface ReadIndexStatus {
  req: Message;
  index: number;
  acks: Map<number, boolean>;
}

/** Key of a request context in maps (contexts are small opaque byte strings). */
export function ctxKey(ctx: Uint8Array | undefined): string {
  if (ctx === undefined) return '';
  let s = '';
  for (let i = 0; i < ctx.length; i++) s += String.fromCharCode(ctx[i]);
  return s;
}

/** Pending ReadIndex requests of a leader in Safe mode, in arrival order. */
export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private queue: string[] = [];

  constructor(readonly option: ReadOnlyOption) {}

  /** Registers a read at commit index `index`; duplicate contexts are ignored. */
  addRequest(index: number, m: Message): void {
    const k = ctxKey(m.context);
    if (this.pending.has(k)) return;
    this.pending.set(k, { index, req: m, acks: new Map() });
    this.queue.push(k);
  }

  /** Records a heartbeat ack for ctx; returns the acks so far (undefined if unknown ctx). */
  recvAck(id: number, ctx: Uint8Array | undefined): Map<number, boolean> | undefined {
    const rs = this.pending.get(ctxKey(ctx));
    if (rs === undefined) return undefined;
    rs.acks.set(id, true);
    return rs.acks;
  }

  /**
   * The request with ctx is confirmed by a quorum: it and every request queued before it
   * (their heartbeat rounds started earlier, so the same quorum confirms them) are released.
   */
  advance(ctx: Uint8Array | undefined): ReadIndexStatus[] {
    const k = ctxKey(ctx);
    const i = this.queue.indexOf(k);
    if (i < 0) return [];
    const released = this.queue.slice(0, i + 1);
    this.queue = this.queue.slice(i + 1);
    const out: ReadIndexStatus[] = [];
    for (const key of released) {
      const rs = this.pending.get(key);
      if (rs === undefined) throw new Error('cannot find corresponding read state from pending map');
      this.pending.delete(key);
      out.push(rs);
    }
    return out;
  }

  /** Context of the newest pending request, piggybacked on regular heartbeats. */
  lastPendingRequestCtx(): Uint8Array | undefined {
    if (this.queue.length === 0) return undefined;
    return this.pending.get(this.queue[this.queue.length - 1])?.req.context;
  }

  pendingCount(): number {
    return this.queue.length;
  }
}
