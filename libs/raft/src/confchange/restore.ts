import { invalidConfChange, type RaftError } from '../errors';
import { emptyTrackerConfig, type ProgressMap, type ProgressTracker } from '../tracker/tracker';
import type { ConfState } from '../types';
import { checkInvariants, type ChangeResult } from './changer';

/**
 * Builds the tracker configuration described by a ConfState (from storage at startup or from
 * a snapshot). Every peer starts as a fresh probe at lastIndex+1.
 */
export function restoreConfig(tracker: ProgressTracker, cs: ConfState, lastIndex: number): ChangeResult | RaftError {
  const config = emptyTrackerConfig();
  const progress: ProgressMap = new Map();
  const add = (id: number, isLearner: boolean): void => {
    if (!progress.has(id)) progress.set(id, tracker.newProgress(0, lastIndex + 1, isLearner));
  };
  for (const id of cs.voters) {
    config.voters.incoming.add(id);
    add(id, false);
  }
  for (const id of cs.votersOutgoing) {
    config.voters.outgoing.add(id);
    add(id, false);
  }
  for (const id of cs.learners) {
    config.learners.add(id);
    add(id, true);
    const pr = progress.get(id);
    if (pr) pr.isLearner = true;
  }
  for (const id of cs.learnersNext) config.learnersNext.add(id);
  config.autoLeave = cs.autoLeave;
  for (const id of [...config.voters.incoming, ...config.voters.outgoing, ...config.learners, ...config.learnersNext]) {
    if (!Number.isSafeInteger(id) || id <= 0) return invalidConfChange(`bad node id ${id}`);
  }
  const err = checkInvariants(config, progress);
  return err ?? { config, progress };
}
