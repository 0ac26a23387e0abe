import type { Raft } from './raft';
import { formatTrackerConfig } from './tracker/tracker';
import type { HardState, SoftState } from './types';

export interface ProgressStatus {
  match: number;
  next: number;
  state: string;
  isLearner: boolean;
  recentActive: boolean;
  paused: boolean;
  inflight: number;
  text: string;
}

/** Snapshot of a node's state for monitoring and tests (cheap enough for /metrics scrapes). */
export interface Status {
  id: number;
  hardState: HardState;
  softState: SoftState;
  applied: number;
  config: string;
  leadTransferee: number;
  /** Only on the leader. */
  progress?: Map<number, ProgressStatus>;
}

export function getStatus(r: Raft): Status {
  const s: Status = {
    id: r.id,
    hardState: r.hardState(),
    softState: r.softState(),
    applied: r.raftLog.applied,
    config: formatTrackerConfig(r.trk.config),
    leadTransferee: r.leadTransferee,
  };
  if (r.state === 'StateLeader') {
    const progress = new Map<number, ProgressStatus>();
    r.trk.visit((id, pr) => {
      progress.set(id, {
        match: pr.match,
        next: pr.next,
        state: pr.state,
        isLearner: pr.isLearner,
        recentActive: pr.recentActive,
        paused: pr.isPaused(),
        inflight: pr.inflights.len(),
        text: pr.toString(),
      });
    });
    s.progress = progress;
  }
  return s;
}
