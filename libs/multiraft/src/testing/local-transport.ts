import type { RaftTransport } from '../raft-transport';

/** In-process transport for tests: delivers asynchronously, can cut a store off. */
export class LocalNetwork {
  private readonly handlers = new Map<number, (data: Uint8Array) => void>();
  readonly isolated = new Set<number>();
  /** Drops a batch when this returns true (tests losing particular messages). */
  drop?: (from: number, to: number, batch: Uint8Array) => boolean;

  /** Delivers raw bytes to a store as if they came off the wire. */
  inject(to: number, bytes: Uint8Array): void {
    this.handlers.get(to)?.(bytes);
  }

  transport(): RaftTransport {
    let me = 0;
    return {
      send: (to, batch) => {
        if (this.isolated.has(me) || this.isolated.has(to) || this.drop?.(me, to, batch)) return;
        const h = this.handlers.get(to);
        if (h) setImmediate(() => h(batch));
      },
      listen: (storeId, onBatch) => {
        me = storeId;
        this.handlers.set(storeId, onBatch);
      },
      close: () => {
        this.handlers.delete(me);
      },
    };
  }
}
