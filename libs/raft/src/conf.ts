import { Changer, type ChangeResult } from './confchange/changer';
import { formatTrackerConfig, type ProgressMap, type TrackerConfig } from './tracker/tracker';
import { enterJoint, isLeaveJoint, type ConfChangeV2 } from './confchange/types';
import type { RaftError } from './errors';
import type { Raft } from './raft';
import { bcastAppend, maybeCommit, maybeSendAppend } from './replication';
import type { ConfState } from './types';

/**
 * Applies a committed conf change (called by the host when it applies the entry). Returns the
 * new ConfState, or an error (the change is then ignored by every node alike, since all of them
 * evaluate it against the same configuration).
 */
export function applyConfChange(r: Raft, cc: ConfChangeV2): ConfState | RaftError {
  const res = computeConfChange(r, cc);
  if (res instanceof Error) {
    r.logger.warn(`${r.id} ignoring invalid conf change: ${res.message}`);
    return res;
  }
  return switchToConfig(r, res.config, res.progress);
}

/** The configuration cc would produce, without installing it. */
export function computeConfChange(r: Raft, cc: ConfChangeV2): ChangeResult | RaftError {
  const changer = new Changer(r.trk, r.raftLog.lastIndex());
  if (isLeaveJoint(cc)) return changer.leaveJoint();
  const { joint, autoLeave } = enterJoint(cc);
  if (joint) return changer.enterJoint(autoLeave, cc.changes);
  return changer.simple(cc.changes);
}

/** Installs a configuration and reacts to it (commit may move; removed leader steps down). */
export function switchToConfig(r: Raft, cfg: TrackerConfig, prs: ProgressMap): ConfState {
  r.trk.setConfig(cfg, prs);
  r.logger.info(`${r.id} switched to configuration ${formatTrackerConfig(cfg)}`);
  const cs = r.trk.confState();
  const pr = r.trk.progress.get(r.id);
  r.isLearner = pr !== undefined && pr.isLearner;

  if ((pr === undefined || r.isLearner) && r.state === 'StateLeader') {
    // The change that removed or demoted us is committed (we are applying it), so the rest of
    // the cluster can go on without us. If we are still in the outgoing half of a joint
    // config we keep leading until it is left; otherwise step down so that the remaining
    // voters elect a leader after their election timeout (etcd leaves this to the host).
    if (!r.trk.isVoter(r.id)) {
      r.logger.info(`${r.id} is no longer a voter; stepping down`);
      r.becomeFollower(r.term, 0);
    }
    return cs;
  }
  if (r.state !== 'StateLeader' || cs.voters.length === 0) return cs;

  // The quorum changed: the commit index may advance. Otherwise, make sure new peers are probed.
  if (maybeCommit(r)) {
    bcastAppend(r);
  } else {
    r.trk.visit((id) => {
      if (id !== r.id) maybeSendAppend(r, id, false);
    });
  }
  // A transfer to a node that is no longer a voter cannot complete.
  if (r.leadTransferee !== 0 && !r.trk.isVoter(r.leadTransferee)) r.abortLeaderTransfer();
  return cs;
}
