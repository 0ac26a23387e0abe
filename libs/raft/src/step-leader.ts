import { confChangeFromEntry } from './confchange/codec';
import { computeConfChange } from './conf';
import { ErrProposalDropped, RaftError } from './errors';
import { jointVoteResult } from './quorum/joint';
import type { Raft } from './raft';
import { bcastAppend, bcastHeartbeat, bcastHeartbeatWithCtx, maybeCommit, maybeSendAppend, sendAppend, sendTimeoutNow } from './replication';
import { EMPTY_BYTES, msg, NONE, type Entry, type Message } from './types';

/** Leader's handling of messages (after the common term checks of Raft.step). */
export function stepLeader(r: Raft, m: Message): RaftError | undefined {
  // Messages that do not need a progress entry for m.from.
  switch (m.type) {
    case 'MsgBeat':
      bcastHeartbeat(r);
      return undefined;
    case 'MsgCheckQuorum':
      if (!r.trk.quorumActive()) {
        r.logger.warn(`${r.id} stepped down to follower since quorum is not active`);
        r.becomeFollower(r.term, NONE);
      }
      // Start a new observation period.
      r.trk.visit((id, pr) => {
        if (id !== r.id) pr.recentActive = false;
      });
      return undefined;
    case 'MsgProp':
      return stepProposal(r, m);
    case 'MsgReadIndex':
      if (r.trk.isSingleton()) {
        respondReadIndex(r, m, r.raftLog.committed);
        return undefined;
      }
      // Until an entry of our term is committed, our commit index may lag behind the true
      // one (Raft thesis §6.4): postpone.
      if (!r.committedEntryInCurrentTerm()) {
        r.pendingReadIndexMessages.push(m);
        return undefined;
      }
      sendMsgReadIndexResponse(r, m);
      return undefined;
    default:
      break;
  }

  const pr = r.trk.progress.get(m.from);
  if (pr === undefined) {
    r.logger.debug(`${r.id} no progress available for ${m.from}`);
    return undefined;
  }
  switch (m.type) {
    case 'MsgAppResp': {
      pr.recentActive = true;
      if (m.reject) {
        r.logger.debug(`${r.id} received MsgAppResp(rejected, hint: (index ${m.rejectHint}, term ${m.logTerm})) from ${m.from} for index ${m.index}`);
        let nextProbeIdx = m.rejectHint;
        if (m.logTerm > 0) {
          // Skip every entry of ours with a term above the follower's term at the hint:
          // they cannot match, so one round trip per term instead of per entry.
          nextProbeIdx = r.raftLog.findConflictByTerm(m.rejectHint, m.logTerm).index;
        }
        if (pr.maybeDecrTo(m.index, nextProbeIdx)) {
          r.logger.debug(`${r.id} decreased progress of ${m.from} to [${pr.toString()}]`);
          if (pr.state === 'StateReplicate') pr.becomeProbe();
          sendAppend(r, m.from);
        }
        return undefined;
      }
      const oldPaused = pr.isPaused();
      // A probe answered with the index we already know matched also proves the follower is
      // in sync: leave probing.
      if (pr.maybeUpdate(m.index) || (pr.match === m.index && pr.state === 'StateProbe')) {
        if (pr.state === 'StateProbe') {
          pr.becomeReplicate();
        } else if (pr.state === 'StateSnapshot' && pr.match + 1 >= r.raftLog.firstIndex()) {
          // The follower caught up past our compaction point (snapshot applied or it got
          // entries otherwise): resume normal replication.
          r.logger.debug(`${r.id} recovered from needing snapshot, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
          pr.becomeProbe();
          pr.becomeReplicate();
        } else if (pr.state === 'StateReplicate') {
          pr.inflights.freeLE(m.index);
        }
        if (maybeCommit(r)) {
          releasePendingReadIndexMessages(r);
          bcastAppend(r);
        } else if (oldPaused) {
          // The window had been full; there is room again.
          sendAppend(r, m.from);
        }
        // Fill the pipeline while the window allows.
        while (maybeSendAppend(r, m.from, false)) {
          /* keep sending */
        }
        if (m.from === r.leadTransferee && pr.match === r.raftLog.lastIndex()) {
          r.logger.info(`${r.id} sent MsgTimeoutNow to ${m.from} after received MsgAppResp`);
          sendTimeoutNow(r, m.from);
        }
      }
      return undefined;
    }
    case 'MsgHeartbeatResp': {
      pr.recentActive = true;
      pr.msgAppFlowPaused = false;
      if (pr.match < r.raftLog.lastIndex()) sendAppend(r, m.from);
      if (r.readOnly.option !== 'Safe' || m.context === undefined || m.context.length === 0) return undefined;
      const acks = r.readOnly.recvAck(m.from, m.context);
      if (acks === undefined || jointVoteResult(r.trk.config.voters, acks) !== 'VoteWon') return undefined;
      for (const rs of r.readOnly.advance(m.context)) respondReadIndex(r, rs.req, rs.index);
      return undefined;
    }
    case 'MsgSnapStatus':
      if (pr.state !== 'StateSnapshot') return undefined;
      if (m.reject) {
        pr.pendingSnapshot = 0;
        r.logger.debug(`${r.id} snapshot failed, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
      } else {
        r.logger.debug(`${r.id} snapshot succeeded, resumed sending replication messages to ${m.from} [${pr.toString()}]`);
      }
      pr.becomeProbe();
      // Wait for the MsgAppResp of the snapshot (or a heartbeat response) before probing.
      pr.msgAppFlowPaused = true;
      return undefined;
    case 'MsgUnreachable':
      // Optimistic pipelining to an unreachable peer wastes messages: fall back to probing.
      if (pr.state === 'StateReplicate') pr.becomeProbe();
      r.logger.debug(`${r.id} failed to send message to ${m.from} because it is unreachable [${pr.toString()}]`);
      return undefined;
    case 'MsgTransferLeader': {
      if (pr.isLearner) {
        r.logger.debug(`${r.id} is learner. Ignored transferring leadership`);
        return undefined;
      }
      const transferee = m.from;
      const last = r.leadTransferee;
      if (last !== NONE) {
        if (last === transferee) {
          r.logger.info(`${r.id} [term ${r.term}] transfer leadership to ${transferee} is in progress, ignores request to same node ${transferee}`);
          return undefined;
        }
        r.abortLeaderTransfer();
        r.logger.info(`${r.id} [term ${r.term}] abort previous transferring leadership to ${last}`);
      }
      if (transferee === r.id) {
        r.logger.debug(`${r.id} is already leader. Ignored transferring leadership to self`);
        return undefined;
      }
      r.logger.info(`${r.id} [term ${r.term}] starts to transfer leadership to ${transferee}`);
      // The transfer must finish within an election timeout (see tickHeartbeat).
      r.electionElapsed = 0;
      r.leadTransferee = transferee;
      if (pr.match === r.raftLog.lastIndex()) {
        sendTimeoutNow(r, transferee);
        r.logger.info(`${r.id} sends MsgTimeoutNow to ${transferee} immediately as ${transferee} already has up-to-date log`);
      } else {
        sendAppend(r, transferee);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function stepProposal(r: Raft, m: Message): RaftError | undefined {
  if (m.entries.length === 0) return new RaftError('ErrProposalDropped', 'empty proposal');
  if (!r.trk.progress.has(r.id)) {
    // Removed from the config while leading: do not take new work.
    return ErrProposalDropped;
  }
  if (r.leadTransferee !== NONE) {
    r.logger.debug(`${r.id} [term ${r.term}] transfer leadership to ${r.leadTransferee} is in progress; dropping proposal`);
    return ErrProposalDropped;
  }
  // Copy: the entries get their term/index assigned and must not alias the caller's objects.
  const ents: Entry[] = m.entries.map((e) => ({ term: 0, index: 0, type: e.type, data: e.data }));
  for (let i = 0; i < ents.length; i++) {
    const e = ents[i];
    if (e.type === 'normal') continue;
    const refused = refuseConfChange(r, e);
    if (refused !== undefined) {
      // Keep the slot (the proposer may track indexes) but make it a no-op.
      r.logger.info(`${r.id} ignoring conf change at index ${r.raftLog.lastIndex() + i + 1}: ${refused}`);
      ents[i] = { term: 0, index: 0, type: 'normal', data: EMPTY_BYTES };
    } else {
      r.pendingConfIndex = r.raftLog.lastIndex() + i + 1;
    }
  }
  if (!r.appendEntry(ents)) return ErrProposalDropped;
  bcastAppend(r);
  return undefined;
}

/** Why a proposed conf change must not be appended, or undefined if it is acceptable. */
function refuseConfChange(r: Raft, e: Entry): string | undefined {
  const cc = confChangeFromEntry(e);
  if (cc instanceof Error) return cc.message;
  if (r.pendingConfIndex > r.raftLog.applied) {
    return `possible unapplied conf change at index ${r.pendingConfIndex} (applied to ${r.raftLog.applied})`;
  }
  const alreadyJoint = r.trk.config.voters.outgoing.size > 0;
  const wantsLeaveJoint = cc.changes.length === 0;
  if (alreadyJoint && !wantsLeaveJoint) return 'must transition out of joint config first';
  if (!alreadyJoint && wantsLeaveJoint) return 'not in joint state; refusing empty conf change';
  // Evaluate against the current config (nothing else is pending, so it is the one the
  // entry will be applied to): refuses e.g. removing the last voter.
  const res = computeConfChange(r, cc);
  if (res instanceof Error) return res.message;
  return undefined;
}

/** Answers a ReadIndex request: locally as a ReadState, or with MsgReadIndexResp to a follower. */
export function respondReadIndex(r: Raft, req: Message, readIndex: number): void {
  if (req.from === NONE || req.from === r.id) {
    r.readStates.push({ index: readIndex, requestCtx: req.context ?? EMPTY_BYTES });
    return;
  }
  r.send(msg({ type: 'MsgReadIndexResp', to: req.from, index: readIndex, context: req.context }));
}

export function sendMsgReadIndexResponse(r: Raft, m: Message): void {
  if (r.readOnly.option === 'Safe') {
    r.readOnly.addRequest(r.raftLog.committed, m);
    // The leader's own ack.
    r.readOnly.recvAck(r.id, m.context);
    bcastHeartbeatWithCtx(r, m.context);
  } else {
    respondReadIndex(r, m, r.raftLog.committed);
  }
}

export function releasePendingReadIndexMessages(r: Raft): void {
  if (r.pendingReadIndexMessages.length === 0) return;
  if (!r.committedEntryInCurrentTerm()) return;
  const pending = r.pendingReadIndexMessages;
  r.pendingReadIndexMessages = [];
  for (const m of pending) sendMsgReadIndexResponse(r, m);
}
