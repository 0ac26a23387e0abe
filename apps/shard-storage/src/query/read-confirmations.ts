/** Per replica: the newest read timestamp a ReadIndex covers on it. */
interface ReplicaConfirmation {
  covered: bigint;
  pending?: { readTs: bigint; done: Promise<void> };
}

/**
 * Shares ReadIndex rounds between the requests of one query. A query reads every region at
 * one timestamp, and its join stages send several StarScans per region (batches of seeds, up
 * to four in flight); each used to wait for its own ReadIndex, a heartbeat round to the
 * followers.
 *
 * Why one round can serve another read: a ReadIndex started after timestamp T was allocated
 * leaves this replica at least as fresh as any write acknowledged before T, and a replica's
 * applied state only grows. A read at T may therefore reuse a round started for a read at
 * T' >= T (the TSO hands out increasing timestamps, so that round started after T existed),
 * whether that round is done or still out. Writes at or below T that were in flight are waited
 * for by the commit fence before the first round, and later ones are refused by it; locks are
 * still checked per request. Confirmations are kept per replica object (a region's state
 * machine): a region dropped and opened again on this store starts over.
 */
export class ReadConfirmations {
  private readonly replicas = new WeakMap<object, ReplicaConfirmation>();

  /** Resolves once `replica` has applied everything a read at `readTs` must see. */
  async confirm(replica: object, readTs: bigint, readIndex: () => Promise<void>): Promise<void> {
    let state = this.replicas.get(replica);
    if (!state) {
      state = { covered: -1n };
      this.replicas.set(replica, state);
    }
    if (state.covered >= readTs) return;
    if (state.pending && state.pending.readTs >= readTs) return state.pending.done;
    const entry = state;
    const pending = {
      readTs,
      done: readIndex().then(() => {
        if (readTs > entry.covered) entry.covered = readTs;
      }),
    };
    entry.pending = pending;
    try {
      await pending.done;
    } finally {
      if (entry.pending === pending) entry.pending = undefined;
    }
  }
}
