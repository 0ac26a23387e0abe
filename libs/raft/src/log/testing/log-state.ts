import type { RaftLogEngine } from '../raft-log-engine';

/** Everything observable through one group's Storage, as plain data for toEqual(). */
export interface GroupView {
  first: number;
  last: number;
  hardState: unknown;
  snapshotIndex: number;
  entries: [number, number, string, string][];
  baseTerm: number;
}

export function viewGroup(engine: RaftLogEngine, groupId: number): GroupView {
  const log = engine.group(groupId);
  const first = log.firstIndex();
  const last = log.lastIndex();
  return {
    first,
    last,
    hardState: log.initialState().hardState,
    snapshotIndex: engine.state(groupId).snapshot.index,
    baseTerm: log.term(first - 1),
    entries: log.entries(first, last + 1, Number.MAX_SAFE_INTEGER).map((e) => [e.index, e.term, e.type, Buffer.from(e.data).toString('hex')]),
  };
}

export function viewAll(engine: RaftLogEngine): Record<number, GroupView> {
  const out: Record<number, GroupView> = {};
  for (const id of engine.groupIds().sort((a, b) => a - b)) out[id] = viewGroup(engine, id);
  return out;
}
