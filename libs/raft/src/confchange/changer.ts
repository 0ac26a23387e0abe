import { invalidConfChange, type RaftError } from '../errors';
import { isJoint } from '../quorum/joint';
import { cloneTrackerConfig, type ProgressMap, type ProgressTracker, type TrackerConfig } from '../tracker/tracker';
import type { ConfChangeSingle } from './types';

export interface ChangeResult {
  config: TrackerConfig;
  progress: ProgressMap;
}

/**
 * Computes the configuration (and progress map) resulting from a membership change, without
 * touching the tracker: the caller installs the result only if no error is returned. Semantics
 * follow etcd's confchange.Changer.
 */
export class Changer {
  constructor(
    private readonly tracker: ProgressTracker,
    /** Last log index: new peers start probing from here. */
    private readonly lastIndex: number,
  ) {}

  /** Enters C_old,new: the current voters become the outgoing half, changes apply to incoming. */
  enterJoint(autoLeave: boolean, ccs: readonly ConfChangeSingle[]): ChangeResult | RaftError {
    const { config, progress } = this.checkAndCopy();
    if (isJoint(config.voters)) return invalidConfChange('config is already joint');
    if (config.voters.incoming.size === 0) return invalidConfChange("can't make a zero-voter config joint");
    config.voters.outgoing = new Set(config.voters.incoming);
    const err = this.apply(config, progress, ccs);
    if (err) return err;
    config.autoLeave = autoLeave;
    return checkAndReturn(config, progress);
  }

  /** Leaves the joint config: the outgoing half is dropped, learnersNext become learners. */
  leaveJoint(): ChangeResult | RaftError {
    const { config, progress } = this.checkAndCopy();
    if (!isJoint(config.voters)) return invalidConfChange("can't leave a non-joint config");
    for (const id of config.learnersNext) {
      config.learners.add(id);
      const pr = progress.get(id);
      if (pr) pr.isLearner = true;
    }
    config.learnersNext.clear();
    for (const id of config.voters.outgoing) {
      if (!config.voters.incoming.has(id) && !config.learners.has(id)) progress.delete(id);
    }
    config.voters.outgoing = new Set();
    config.autoLeave = false;
    return checkAndReturn(config, progress);
  }

  /** A change of at most one voter, applied directly (no joint phase needed). */
  simple(ccs: readonly ConfChangeSingle[]): ChangeResult | RaftError {
    const { config, progress } = this.checkAndCopy();
    if (isJoint(config.voters)) return invalidConfChange("can't apply simple config change in joint config");
    const err = this.apply(config, progress, ccs);
    if (err) return err;
    const before = this.tracker.config.voters.incoming;
    let diff = 0;
    for (const id of before) if (!config.voters.incoming.has(id)) diff++;
    for (const id of config.voters.incoming) if (!before.has(id)) diff++;
    if (diff > 1) return invalidConfChange('more than one voter changed without entering joint config');
    return checkAndReturn(config, progress);
  }

  private apply(cfg: TrackerConfig, prs: ProgressMap, ccs: readonly ConfChangeSingle[]): RaftError | undefined {
    for (const cc of ccs) {
      if (cc.nodeId === 0) continue; // etcd ignores id 0 (used to carry only a context)
      switch (cc.type) {
        case 'addNode':
          this.makeVoter(cfg, prs, cc.nodeId);
          break;
        case 'addLearnerNode':
          this.makeLearner(cfg, prs, cc.nodeId);
          break;
        case 'removeNode':
          remove(cfg, prs, cc.nodeId);
          break;
        default:
          return invalidConfChange(`unknown change type`);
      }
    }
    if (cfg.voters.incoming.size === 0) return invalidConfChange('removed all voters');
    return undefined;
  }

  private makeVoter(cfg: TrackerConfig, prs: ProgressMap, id: number): void {
    const pr = prs.get(id);
    if (!pr) {
      this.initProgress(cfg, prs, id, false);
      return;
    }
    pr.isLearner = false;
    cfg.learners.delete(id);
    cfg.learnersNext.delete(id);
    cfg.voters.incoming.add(id);
  }

  /**
   * A voter of the outgoing config cannot become a learner while still voting there: it is
   * staged in learnersNext and converted when the joint config is left.
   */
  private makeLearner(cfg: TrackerConfig, prs: ProgressMap, id: number): void {
    const pr = prs.get(id);
    if (!pr) {
      this.initProgress(cfg, prs, id, true);
      return;
    }
    if (pr.isLearner) return;
    remove(cfg, prs, id);
    prs.set(id, pr);
    if (cfg.voters.outgoing.has(id)) {
      cfg.learnersNext.add(id);
    } else {
      pr.isLearner = true;
      cfg.learners.add(id);
    }
  }

  private initProgress(cfg: TrackerConfig, prs: ProgressMap, id: number, isLearner: boolean): void {
    if (isLearner) cfg.learners.add(id);
    else cfg.voters.incoming.add(id);
    // Start probing at the last index: the peer is probably empty and the probe's rejection
    // will walk back quickly via the reject hint. Mark active so CheckQuorum does not step
    // the leader down before the newcomer had a chance to answer.
    const pr = this.tracker.newProgress(0, Math.max(this.lastIndex, 1), isLearner);
    pr.recentActive = true;
    prs.set(id, pr);
  }

  private checkAndCopy(): { config: TrackerConfig; progress: ProgressMap } {
    const config = cloneTrackerConfig(this.tracker.config);
    const progress: ProgressMap = new Map();
    for (const [id, pr] of this.tracker.progress) progress.set(id, pr.clone());
    return { config, progress };
  }
}

function remove(cfg: TrackerConfig, prs: ProgressMap, id: number): void {
  if (!prs.has(id)) return;
  cfg.voters.incoming.delete(id);
  cfg.learners.delete(id);
  cfg.learnersNext.delete(id);
  // Still a voter of the outgoing half: keep its progress until the joint config is left.
  if (!cfg.voters.outgoing.has(id)) prs.delete(id);
}

/** Validates the invariants of a configuration against its progress map. */
export function checkInvariants(cfg: TrackerConfig, prs: ProgressMap): RaftError | undefined {
  const all = [...cfg.voters.incoming, ...cfg.voters.outgoing, ...cfg.learners, ...cfg.learnersNext];
  for (const id of all) if (!prs.has(id)) return invalidConfChange(`no progress for ${id}`);
  for (const id of cfg.learnersNext) {
    if (!cfg.voters.outgoing.has(id)) return invalidConfChange(`${id} is in LearnersNext, but not Voters[1]`);
    if (prs.get(id)?.isLearner) return invalidConfChange(`${id} is in LearnersNext, but is already marked as learner`);
  }
  for (const id of cfg.learners) {
    if (cfg.voters.outgoing.has(id)) return invalidConfChange(`${id} is in Learners and Voters[1]`);
    if (cfg.voters.incoming.has(id)) return invalidConfChange(`${id} is in Learners and Voters[0]`);
    if (!prs.get(id)?.isLearner) return invalidConfChange(`${id} is in Learners, but is not marked as learner`);
  }
  if (!isJoint(cfg.voters)) {
    if (cfg.learnersNext.size > 0) return invalidConfChange('cfg.LearnersNext must be nil when not joint');
    if (cfg.autoLeave) return invalidConfChange('AutoLeave must be false when not joint');
  }
  return undefined;
}

function checkAndReturn(config: TrackerConfig, progress: ProgressMap): ChangeResult | RaftError {
  const err = checkInvariants(config, progress);
  return err ?? { config, progress };
}
