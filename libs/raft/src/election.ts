import { NO_LIMIT } from './limit-size';
import type { VoteResult } from './quorum/majority';
import type { Raft } from './raft';
import { msg, NONE, voteRespMsgType, type Message } from './types';

/**
 * Elections: starting a campaign (with or without PreVote), counting votes, and answering
 * (pre)vote requests. Term handling (leases, stepping down) happens before, in Raft.step.
 */

export type CampaignType = 'CampaignPreElection' | 'CampaignElection' | 'CampaignTransfer';

/** Context of a MsgVote sent because of a leadership transfer: bypasses the leader lease. */
export const CAMPAIGN_TRANSFER_CTX = new TextEncoder().encode('CampaignTransfer');

export function isTransferCtx(ctx: Uint8Array | undefined): boolean {
  if (ctx === undefined || ctx.length !== CAMPAIGN_TRANSFER_CTX.length) return false;
  for (let i = 0; i < ctx.length; i++) if (ctx[i] !== CAMPAIGN_TRANSFER_CTX[i]) return false;
  return true;
}

// ---- elections ------------------------------------------------------------------------

export function hup(r: Raft, t: CampaignType): void {
  if (r.state === 'StateLeader') {
    r.logger.debug(`${r.id} ignoring MsgHup because already leader`);
    return;
  }
  if (!r.promotable()) {
    r.logger.warn(`${r.id} is unpromotable and can not campaign`);
    return;
  }
  // A conf change committed but not applied could change who may vote: wait for it.
  const ents = r.raftLog.slice(r.raftLog.applied + 1, r.raftLog.committed + 1, NO_LIMIT);
  if (ents === undefined) {
    r.logger.warn(`${r.id} cannot campaign: error getting unapplied entries`);
    return;
  }
  const pending = ents.filter((e) => e.type !== 'normal').length;
  if (pending > 0 && r.raftLog.committed > r.raftLog.applied) {
    r.logger.warn(`${r.id} cannot campaign at term ${r.term} since there are still ${pending} pending configuration changes to apply`);
    return;
  }
  r.logger.info(`${r.id} is starting a new election at term ${r.term}`);
  campaign(r, t);
}

export function campaign(r: Raft, t: CampaignType): void {
  if (!r.promotable()) {
    r.logger.warn(`${r.id} is unpromotable; campaign() should have been called`);
    return;
  }
  let term: number;
  let voteMsg: 'MsgPreVote' | 'MsgVote';
  if (t === 'CampaignPreElection') {
    r.becomePreCandidate();
    voteMsg = 'MsgPreVote';
    // Pre-votes ask about the term we would use, without bumping ours.
    term = r.term + 1;
  } else {
    r.becomeCandidate();
    voteMsg = 'MsgVote';
    term = r.term;
  }
  const res = poll(r, r.id, voteRespMsgType(voteMsg), true);
  if (res === 'VoteWon') {
    // Single-voter config: we won by our own vote.
    if (t === 'CampaignPreElection') campaign(r, 'CampaignElection');
    else r.becomeLeader();
    return;
  }
  const lastIndex = r.raftLog.lastIndex();
  const lastTerm = r.raftLog.lastTerm();
  for (const id of r.trk.voterNodes()) {
    if (id === r.id) continue;
    r.logger.info(`${r.id} [logterm: ${lastTerm}, index: ${lastIndex}] sent ${voteMsg} request to ${id} at term ${r.term}`);
    r.send(
      msg({
        type: voteMsg,
        to: id,
        term,
        index: lastIndex,
        logTerm: lastTerm,
        context: t === 'CampaignTransfer' ? CAMPAIGN_TRANSFER_CTX : undefined,
      }),
    );
  }
}

export function poll(r: Raft, id: number, t: string, granted: boolean): VoteResult {
  if (granted) r.logger.info(`${r.id} received ${t} from ${id} at term ${r.term}`);
  else r.logger.info(`${r.id} received ${t} rejection from ${id} at term ${r.term}`);
  r.trk.recordVote(id, granted);
  return r.trk.tallyVotes().result;
}

/** Answers a MsgVote / MsgPreVote (after the term checks of Raft.step). */
export function handleVoteRequest(r: Raft, m: Message): void {
  // We can vote for m.from if we already did (retransmission), if we have not voted and
  // know no leader in this term, or if it is a pre-vote for a future term.
  const canVote = r.vote === m.from || (r.vote === NONE && r.lead === NONE) || (m.type === 'MsgPreVote' && m.term > r.term);
  if (canVote && r.raftLog.isUpToDate(m.index, m.logTerm)) {
    r.logger.info(
      `${r.id} [logterm: ${r.raftLog.lastTerm()}, index: ${r.raftLog.lastIndex()}, vote: ${r.vote}] cast ${m.type} for ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`,
    );
    // Respond with the message's term: for a pre-vote it is the future term.
    r.send(msg({ type: voteRespMsgType(m.type), to: m.from, term: m.term }));
    if (m.type === 'MsgVote') {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
  } else {
    r.logger.info(
      `${r.id} [logterm: ${r.raftLog.lastTerm()}, index: ${r.raftLog.lastIndex()}, vote: ${r.vote}] rejected ${m.type} from ${m.from} [logterm: ${m.logTerm}, index: ${m.index}] at term ${r.term}`,
    );
    // A node still at term 0 (never saw any term) has no term to reject with: a term-0
    // message would read as local. Staying silent is just a lost response.
    if (r.term > 0) r.send(msg({ type: voteRespMsgType(m.type), to: m.from, term: r.term, reject: true }));
  }
}
