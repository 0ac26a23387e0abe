import type { Entry } from '@quarry/raft';

/**
 * What a Raft group replicates into: a KV, a region's quad index. Entries arrive in log order,
 * already stripped of the host's proposal envelope; the host never calls two methods at once.
 */
export interface GroupStateMachine {
  /** Applies committed entries; returns one result per entry, handed back to the proposer. */
  apply(entries: Entry[]): Promise<unknown[]> | unknown[];
  /** A consistent image of the state at the last applied entry. */
  snapshot(): Promise<Uint8Array> | Uint8Array;
  /** Replaces the whole state with a snapshot image (a new or lagging replica). */
  restore(data: Uint8Array): Promise<void> | void;
}
