import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrProposalDropped, RaftError } from './errors';
import { MemoryStorage } from './memory-storage';
import { RawNode } from './raw-node';
import { SeededRng } from './rng';
import { EMPTY_BYTES, emptyConfState, msg, type Entry, type MessageType } from './types';

function newNode(id: number, voters: number[], extra: Partial<ConstructorParameters<typeof RawNode>[0]> = {}) {
  const storage = new MemoryStorage();
  storage.applySnapshot({ metadata: { index: 1, term: 1, confState: { ...emptyConfState(), voters } }, data: EMPTY_BYTES });
  const rn = new RawNode({ id, electionTick: 10, heartbeatTick: 1, storage, maxInflightMsgs: 16, rng: new SeededRng(id), ...extra });
  return { rn, storage };
}

/** Processes Readies until none is left; returns everything applied. */
function drain(rn: RawNode, storage: MemoryStorage): Entry[] {
  const applied: Entry[] = [];
  while (rn.hasReady()) {
    const rd = rn.ready();
    if (rd.snapshot) storage.applySnapshot(rd.snapshot);
    storage.append(rd.entries);
    if (rd.hardState) storage.setHardState(rd.hardState);
    applied.push(...rd.committedEntries);
    rn.advance(rd);
  }
  return applied;
}

describe('RawNode', () => {
  it('single voter: campaigns, commits its proposals', () => {
    const { rn, storage } = newNode(1, [1]);
    expect(rn.campaign()).toBeUndefined();
    drain(rn, storage);
    expect(rn.status().softState.raftState).toBe('StateLeader');
    expect(rn.propose(new TextEncoder().encode('hello'))).toBeUndefined();
    const applied = drain(rn, storage);
    expect(applied.map((e) => new TextDecoder().decode(e.data))).toContain('hello');
    expect(storage.getHardState().commit).toBe(storage.lastIndex());
  });

  it('elects itself after an election timeout, never before', () => {
    const { rn } = newNode(1, [1, 2, 3]);
    for (let i = 0; i < 9; i++) rn.tick();
    expect(rn.status().softState.raftState).toBe('StateFollower');
    for (let i = 0; i < 11; i++) rn.tick();
    expect(rn.status().softState.raftState).toBe('StateCandidate');
  });

  it('drops proposals without a leader', () => {
    const { rn } = newNode(1, [1, 2, 3]);
    expect(rn.propose(new Uint8Array([1]))).toBe(ErrProposalDropped);
  });

  it('refuses invalid configs and invalid conf change proposals', () => {
    expect(() => newNode(1, [1], { readOnlyOption: 'LeaseBased', checkQuorum: false })).toThrow(/CheckQuorum/);
    expect(() => newNode(0, [1])).toThrow();
    const { rn, storage } = newNode(1, [1]);
    rn.campaign();
    drain(rn, storage);
    const err = rn.proposeConfChange({ transition: 'auto', changes: [{ type: 'addNode', nodeId: -3 }] });
    expect(err).toBeInstanceOf(RaftError);
  });

  it('Ready messages are not handed out twice and advance acknowledges entries', () => {
    const { rn, storage } = newNode(1, [1, 2]);
    rn.campaign();
    const rd = rn.ready();
    expect(rd.messages.length).toBe(1);
    expect(rd.hardState?.term).toBe(1);
    storage.setHardState(rd.hardState!);
    rn.advance(rd);
    expect(rn.hasReady()).toBe(false);
  });

  const types: MessageType[] = [
    'MsgProp',
    'MsgApp',
    'MsgAppResp',
    'MsgVote',
    'MsgVoteResp',
    'MsgSnap',
    'MsgHeartbeat',
    'MsgHeartbeatResp',
    'MsgTransferLeader',
    'MsgTimeoutNow',
    'MsgReadIndex',
    'MsgReadIndexResp',
    'MsgPreVote',
    'MsgPreVoteResp',
    'MsgHup',
    'MsgBeat',
    'MsgCheckQuorum',
    'MsgUnreachable',
    'MsgSnapStatus',
  ];
  const arbEntry = fc.record({
    term: fc.integer({ min: -1, max: 6 }),
    index: fc.integer({ min: -1, max: 12 }),
    type: fc.constantFrom('normal' as const, 'confChange' as const, 'confChangeV2' as const),
    data: fc.uint8Array({ maxLength: 8 }),
  });
  const arbMsg = fc.record({
    type: fc.constantFrom(...types),
    from: fc.integer({ min: -1, max: 5 }),
    term: fc.integer({ min: 0, max: 6 }),
    logTerm: fc.integer({ min: 0, max: 6 }),
    index: fc.integer({ min: 0, max: 12 }),
    commit: fc.integer({ min: 0, max: 12 }),
    reject: fc.boolean(),
    rejectHint: fc.integer({ min: 0, max: 12 }),
    entries: fc.array(arbEntry, { maxLength: 3 }),
  });

  it('never throws on arbitrary (garbage) messages from the network', () => {
    // Includes well-formed MsgApps that contradict committed entries (a lying leader): they
    // are dropped, not applied, and do not throw.
    fc.assert(
      fc.property(fc.array(arbMsg, { maxLength: 30 }), fc.boolean(), (msgs, lead) => {
        const { rn, storage } = newNode(1, [1, 2, 3], { checkQuorum: true, preVote: true });
        if (lead) {
          rn.campaign();
          drain(rn, storage);
          rn.step(msg({ type: 'MsgPreVoteResp', from: 2, term: 2 }));
          drain(rn, storage);
          rn.step(msg({ type: 'MsgVoteResp', from: 2, term: 2 }));
          drain(rn, storage);
        }
        for (const m of msgs) {
          const r = rn.step(msg({ ...m, to: 1 }));
          expect(r === undefined || r instanceof RaftError).toBe(true);
          drain(rn, storage);
          rn.tick();
        }
      }),
      { numRuns: Number(process.env.RAFT_FUZZ_RUNS ?? 300) },
    );
  });
});

describe('RawNode.step input validation', () => {
  it('refuses MsgSnap with a missing or malformed snapshot', () => {
    const { rn } = newNode(1, [1, 2, 3]);
    const cs = { ...emptyConfState(), voters: [1, 2, 3] };
    const bad: unknown[] = [
      undefined,
      { metadata: { index: 5, term: 1, confState: cs } }, // no data
      { metadata: { index: 'x', term: 1, confState: cs }, data: EMPTY_BYTES },
      { metadata: { index: 5, term: 9, confState: cs }, data: EMPTY_BYTES }, // term above the message's
      { metadata: { index: 5, term: 1, confState: { voters: [1, -2] } }, data: EMPTY_BYTES },
      { metadata: null, data: EMPTY_BYTES },
    ];
    for (const snapshot of bad) {
      const m = { ...msg({ type: 'MsgSnap', from: 2, term: 2 }), snapshot } as unknown as Parameters<RawNode['step']>[0];
      expect(rn.step(m)).toBeInstanceOf(RaftError);
    }
    // A well-formed one is accepted.
    const good = msg({ type: 'MsgSnap', from: 2, term: 2, snapshot: { metadata: { index: 5, term: 2, confState: cs }, data: EMPTY_BYTES } });
    expect(rn.step(good)).toBeUndefined();
    expect(rn.raft.raftLog.committed).toBe(5);
  });
});

describe('RawNode.proposeBatch', () => {
  it('appends all entries in one go and replicates them in one MsgApp per follower', () => {
    const { rn, storage } = newNode(1, [1, 2, 3], { maxSizePerMsg: 1 << 20 });
    rn.campaign();
    drain(rn, storage);
    rn.step(msg({ type: 'MsgVoteResp', from: 2, term: 1 }));
    drain(rn, storage);
    rn.step(msg({ type: 'MsgAppResp', from: 2, term: 1, index: 2 }));
    drain(rn, storage);
    const enc = new TextEncoder();
    expect(rn.proposeBatch([enc.encode('a'), enc.encode('b'), enc.encode('c')])).toBeUndefined();
    const rd = rn.ready();
    expect(rd.entries.map((e) => e.index)).toEqual([3, 4, 5]);
    const toTwo = rd.messages.filter((m) => m.to === 2 && m.type === 'MsgApp');
    expect(toTwo.length).toBe(1);
    expect(toTwo[0].entries.length).toBe(3);
  });
});
