import { ErrCompacted, ErrSnapOutOfDate } from '../errors';
import type { GroupState } from './group-state';
import { MAX_RECORD_LENGTH } from './record-format';
import type { LogOp } from './log-write-batch';

const ENTRY_TYPES: ReadonlySet<string> = new Set(['normal', 'confChange', 'confChangeV2']);

/** The parts of a group's log that decide whether an operation is valid. */
interface LogShape {
  base: number;
  last: number;
  snapshot: number;
}

/**
 * Checks every op of a batch against the state the earlier ops would leave, before anything is
 * applied, so an invalid batch changes nothing (neither memory nor disk). Rules are those of
 * etcd's MemoryStorage: appends must not leave a gap, compaction must be within the log,
 * snapshots must be newer than the current one.
 */
export function validateBatch(ops: readonly LogOp[], stateOf: (groupId: number) => GroupState | undefined): void {
  const shapes = new Map<number, LogShape>();
  const shapeOf = (groupId: number): LogShape => {
    let s = shapes.get(groupId);
    if (s === undefined) {
      const g = stateOf(groupId);
      s = g ? { base: g.log.base.index, last: g.log.lastIndex(), snapshot: g.snapshot.index } : { base: 0, last: 0, snapshot: 0 };
      shapes.set(groupId, s);
    }
    return s;
  };
  for (const op of ops) {
    const s = shapeOf(op.groupId);
    switch (op.kind) {
      case 'entries': {
        const first = op.entries[0].index;
        op.entries.forEach((e, k) => {
          if (e.index !== first + k) throw new Error(`group ${op.groupId}: entries not contiguous at ${e.index}`);
          // Checked here, not while encoding: a throw half-way through applying would leave
          // records reserved without their BatchEnd.
          if (!ENTRY_TYPES.has(e.type)) throw new Error(`group ${op.groupId}: unknown entry type ${String(e.type)}`);
        });
        let bytes = 0;
        for (const e of op.entries) bytes += e.data.length + 64;
        // Recovery treats longer records as garbage, so they must never be written.
        if (bytes > MAX_RECORD_LENGTH) throw new Error(`group ${op.groupId}: ${bytes} bytes of entries exceed one WAL record`);
        const last = first + op.entries.length - 1;
        if (last <= s.base) break;
        if (Math.max(first, s.base + 1) > s.last + 1) {
          throw new Error(`group ${op.groupId}: missing log entry [last: ${s.last}, append at: ${first}]`);
        }
        s.last = last;
        break;
      }
      case 'hardState':
        break;
      case 'destroy':
        s.base = 0;
        s.last = 0;
        s.snapshot = 0;
        break;
      case 'compact':
        if (op.index <= s.base) throw ErrCompacted;
        if (op.index > s.last) throw new Error(`group ${op.groupId}: compact ${op.index} is out of bound lastindex(${s.last})`);
        s.base = op.index;
        break;
      case 'snapshot': {
        const index = op.snapshot.metadata.index;
        if (index <= s.snapshot) throw ErrSnapOutOfDate;
        if (op.installed) {
          s.base = index;
          s.last = index;
        } else {
          if (index > s.last) throw new Error(`group ${op.groupId}: snapshot ${index} is out of bound lastindex(${s.last})`);
          if (index < s.base) throw ErrCompacted;
        }
        s.snapshot = index;
        break;
      }
    }
  }
}
