import { ErrProposalDropped, type RaftError } from './errors';
import type { Raft } from './raft';
import { bcastAppend, handleAppendEntries, handleHeartbeat, handleSnapshot } from './replication';
import { EMPTY_BYTES, NONE, type Message } from './types';

/** Candidate and pre-candidate (after the common term checks of Raft.step). */
export function stepCandidate(r: Raft, m: Message): RaftError | undefined {
  // Only responses to our own kind of request count: a pre-candidate may still receive
  // MsgVoteResp of an older campaign, which must be ignored.
  const myVoteRespType = r.state === 'StatePreCandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
  switch (m.type) {
    case 'MsgProp':
      r.logger.info(`${r.id} no leader at term ${r.term}; dropping proposal`);
      return ErrProposalDropped;
    case 'MsgApp':
      // A leader exists for our term (m.term === r.term here): it won, we follow.
      r.becomeFollower(m.term, m.from);
      handleAppendEntries(r, m);
      return undefined;
    case 'MsgHeartbeat':
      r.becomeFollower(m.term, m.from);
      handleHeartbeat(r, m);
      return undefined;
    case 'MsgSnap':
      r.becomeFollower(m.term, m.from);
      handleSnapshot(r, m);
      return undefined;
    case 'MsgTimeoutNow':
      r.logger.debug(`${r.id} [term ${r.term} state ${r.state}] ignored MsgTimeoutNow from ${m.from}`);
      return undefined;
    default:
      break;
  }
  if (m.type !== myVoteRespType) return undefined;
  const res = r.poll(m.from, m.type, !m.reject);
  const { granted, rejected } = r.trk.tallyVotes();
  r.logger.info(`${r.id} has received ${granted} ${m.type} votes and ${rejected} vote rejections`);
  if (res === 'VoteWon') {
    if (r.state === 'StatePreCandidate') {
      r.campaign('CampaignElection');
    } else {
      r.becomeLeader();
      bcastAppend(r);
    }
  } else if (res === 'VoteLost') {
    // A pre-vote rejection with a higher term made us follower in Raft.step already.
    r.becomeFollower(r.term, NONE);
  }
  return undefined;
}

export function stepFollower(r: Raft, m: Message): RaftError | undefined {
  switch (m.type) {
    case 'MsgProp':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping proposal`);
        return ErrProposalDropped;
      }
      if (r.disableProposalForwarding) {
        r.logger.info(`${r.id} not forwarding to leader ${r.lead} at term ${r.term}; dropping proposal`);
        return ErrProposalDropped;
      }
      r.send({ ...m, to: r.lead, term: 0 });
      return undefined;
    case 'MsgApp':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleAppendEntries(r, m);
      return undefined;
    case 'MsgHeartbeat':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleHeartbeat(r, m);
      return undefined;
    case 'MsgSnap':
      r.electionElapsed = 0;
      r.lead = m.from;
      handleSnapshot(r, m);
      return undefined;
    case 'MsgTransferLeader':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping leader transfer msg`);
        return undefined;
      }
      r.send({ ...m, to: r.lead, term: 0 });
      return undefined;
    case 'MsgTimeoutNow':
      // The leader asks us to campaign now, skipping pre-vote (the transfer is intentional).
      r.logger.info(`${r.id} [term ${r.term}] received MsgTimeoutNow from ${m.from} and starts an election to get leadership`);
      r.hup('CampaignTransfer');
      return undefined;
    case 'MsgReadIndex':
      if (r.lead === NONE) {
        r.logger.info(`${r.id} no leader at term ${r.term}; dropping index reading msg`);
        return ErrProposalDropped;
      }
      r.send({ ...m, to: r.lead, term: 0 });
      return undefined;
    case 'MsgReadIndexResp':
      r.readStates.push({ index: m.index, requestCtx: m.context ?? EMPTY_BYTES });
      return undefined;
    default:
      return undefined;
  }
}
