import { confChangeFromEntry, formatConfChange } from '../confchange/codec';
import type { Ready } from '../ready';
import type { Entry, HardState, Message, Snapshot } from '../types';

/**
 * Human-readable renderings of entries, messages and Ready batches, close to etcd's
 * raft/describe.go so the testdata reads like etcd's.
 */
const dec = new TextDecoder();

function quoteData(d: Uint8Array): string {
  return JSON.stringify(dec.decode(d));
}

export function describeEntry(e: Entry): string {
  switch (e.type) {
    case 'normal':
      return `${e.term}/${e.index} EntryNormal ${quoteData(e.data)}`;
    case 'confChange':
    case 'confChangeV2': {
      const cc = confChangeFromEntry(e);
      const kind = e.type === 'confChange' ? 'EntryConfChange' : 'EntryConfChangeV2';
      return `${e.term}/${e.index} ${kind} ${cc instanceof Error ? `<${cc.message}>` : formatConfChange(cc)}`;
    }
  }
}

export function describeEntries(ents: readonly Entry[]): string {
  return ents.map(describeEntry).join(', ');
}

export function describeSnapshot(s: Snapshot): string {
  const cs = s.metadata.confState;
  let c = `Voters:[${cs.voters.join(' ')}]`;
  if (cs.votersOutgoing.length) c += ` VotersOutgoing:[${cs.votersOutgoing.join(' ')}]`;
  if (cs.learners.length) c += ` Learners:[${cs.learners.join(' ')}]`;
  if (cs.learnersNext.length) c += ` LearnersNext:[${cs.learnersNext.join(' ')}]`;
  if (cs.autoLeave) c += ' AutoLeave:true';
  return `Index:${s.metadata.index} Term:${s.metadata.term} ConfState:${c}`;
}

export function describeHardState(hs: HardState): string {
  return `Term:${hs.term}${hs.vote ? ` Vote:${hs.vote}` : ''} Commit:${hs.commit}`;
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.entries.length > 0) s += ` Entries:[${describeEntries(m.entries)}]`;
  if (m.context && m.context.length > 0) s += ` Context:${quoteData(m.context)}`;
  if (m.snapshot) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  return s;
}

export function describeReady(rd: Ready): string[] {
  const out: string[] = [`Ready MustSync=${rd.mustSync}:`];
  if (rd.softState) out.push(`Lead:${rd.softState.lead} State:${rd.softState.raftState}`);
  if (rd.hardState) out.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.readStates.length > 0) {
    out.push(`ReadStates ${rd.readStates.map((r) => `${r.index}/${quoteData(r.requestCtx)}`).join(' ')}`);
  }
  if (rd.entries.length > 0) {
    out.push('Entries:');
    for (const e of rd.entries) out.push(describeEntry(e));
  }
  if (rd.snapshot) out.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    out.push('CommittedEntries:');
    for (const e of rd.committedEntries) out.push(describeEntry(e));
  }
  if (rd.messages.length > 0) {
    out.push('Messages:');
    for (const m of rd.messages) out.push(describeMessage(m));
  }
  return out;
}
