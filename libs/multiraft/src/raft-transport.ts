import type { NatsConnection, Subscription } from '@nats-io/transport-node';

/** Moves encoded RaftBatches between stores. Raft tolerates loss, so sends are fire-and-forget. */
export interface RaftTransport {
  send(toStore: number, batch: Uint8Array): void;
  listen(storeId: number, onBatch: (data: Uint8Array) => void): void;
  close(): void;
}

/** quarry.<cluster>.raft.<storeId>: one subject per store, one NATS message per batch. */
export class NatsRaftTransport implements RaftTransport {
  private sub?: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly cluster: string,
    private readonly namespace = 'raft',
  ) {}

  private subject(storeId: number): string {
    return `quarry.${this.cluster}.${this.namespace}.${storeId}`;
  }

  send(toStore: number, batch: Uint8Array): void {
    if (this.nc.isClosed()) return;
    this.nc.publish(this.subject(toStore), batch);
  }

  listen(storeId: number, onBatch: (data: Uint8Array) => void): void {
    this.sub = this.nc.subscribe(this.subject(storeId), { callback: (err, m) => {
        if (!err) onBatch(m.data);
      },
    });
  }

  close(): void {
    this.sub?.unsubscribe();
  }
}
