import type { Entry, HardState, Message, ReadState, Snapshot, SoftState } from './types';

/**
 * A batch of work for the host, produced by RawNode.ready(). Processing contract (etcd's,
 * simplified to the safe sequential form):
 *   1. persist `snapshot` (if any), then `entries` (replacing any conflicting suffix), then
 *      `hardState` (if any) — fsync;
 *   2. send `messages` (only after step 1: votes and MsgAppResp promise durable state, and the
 *      leader counts its own entries as replicated);
 *   3. apply `snapshot` then `committedEntries` to the state machine (calling
 *      RawNode.applyConfChange for conf-change entries);
 *   4. call RawNode.advance(rd).
 */
export interface Ready {
  /** Present only when changed since the last Ready. */
  softState?: SoftState;
  /** Present only when changed since the last Ready; must be persisted. */
  hardState?: HardState;
  /** Read requests whose index is now known (serve when applied >= index). */
  readStates: ReadState[];
  /** Entries to persist before sending messages. */
  entries: Entry[];
  /** Incoming snapshot to persist and apply. */
  snapshot?: Snapshot;
  /** Committed entries to apply (already persisted, or persisted in step 1 of this Ready). */
  committedEntries: Entry[];
  /** Messages to send after persisting. */
  messages: Message[];
  /** Whether step 1 needs an fsync (hard state or entries changed). */
  mustSync: boolean;
}

/** Index the application will have applied after processing rd. */
export function appliedCursor(rd: Ready): number {
  const n = rd.committedEntries.length;
  if (n > 0) return rd.committedEntries[n - 1].index;
  return rd.snapshot ? rd.snapshot.metadata.index : 0;
}
