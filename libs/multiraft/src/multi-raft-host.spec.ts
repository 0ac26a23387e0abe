import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '@quarry/raft';
import { encodeRaftBatch } from './raft-wire';
import { LocalNetwork } from './testing/local-transport';
import { AppendOnlyMachine } from './testing/register-machine';
import { LocalMembers, type Member } from './testing/local-members';
import { waitFor } from './testing/wait-for';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const leaderOf = (members: Member[], g: number): Member | undefined => members.find((m) => m.host.group(g).isLeader);

describe('MultiRaftHost', () => {
  const cluster = new LocalMembers();
  afterEach(() => cluster.cleanup());

  it('replicates many groups over one transport and one log per store', async () => {
    const net = new LocalNetwork();
    const groups = Array.from({ length: 20 }, (_, i) => i + 1);
    const members = await Promise.all([1, 2, 3].map((id) => cluster.start(net, id, groups, [1, 2, 3])));
    for (const g of groups) await waitFor(() => leaderOf(members, g));
    await Promise.all(groups.map((g) => leaderOf(members, g)!.host.propose(g, enc(`g${g}-a`))));
    // a proposal through a follower is forwarded and resolves when the follower applies it
    const follower = members.find((m) => !m.host.group(1).isLeader)!;
    await follower.host.propose(1, enc('via-follower'));
    for (const m of members) await waitFor(() => m.machines.get(1)!.values.length === 2);
    for (const g of groups) {
      const expected = leaderOf(members, g)!.machines.get(g)!.values;
      for (const m of members) await waitFor(() => m.machines.get(g)!.values.join() === expected.join());
    }
    const stats = members.map((m) => m.log.stats());
    // group commit: far fewer fsyncs than groups x proposals
    expect(stats.every((s) => s.fsyncs < 20 * 10)).toBe(true);
  });

  it('elects a new leader when the leader is cut off, and the old one catches up after', async () => {
    const net = new LocalNetwork();
    const members = await Promise.all([1, 2, 3].map((id) => cluster.start(net, id, [1], [1, 2, 3])));
    const old = await waitFor(() => leaderOf(members, 1));
    for (let i = 0; i < 10; i++) await old.host.propose(1, enc(`before-${i}`));
    net.isolated.add(old.id);
    const fresh = await waitFor(() => members.find((m) => m !== old && m.host.group(1).isLeader), 5000);
    await fresh.host.propose(1, enc('after'));
    // the isolated old leader cannot commit: CheckQuorum makes it step down
    await waitFor(() => !old.host.group(1).isLeader, 5000);
    net.isolated.clear();
    await waitFor(() => old.machines.get(1)!.values.includes('after'));
    expect(old.machines.get(1)!.values).toEqual(fresh.machines.get(1)!.values);
  });

  it('drops garbage, misaddressed batches and messages of unknown groups without harm', async () => {
    const net = new LocalNetwork();
    const members = await Promise.all([1, 2, 3].map((id) => cluster.start(net, id, [1], [1, 2, 3])));
    const leader = await waitFor(() => leaderOf(members, 1));
    net.inject(2, new Uint8Array([0xff, 0x00, 0xaa, 0x13]));
    net.inject(2, encodeRaftBatch(1, 3, [{ groupId: 1, message: msg({ type: 'MsgApp', from: 1, to: 3, term: 99 }) }]));
    net.inject(2, encodeRaftBatch(1, 2, [{ groupId: 777, message: msg({ type: 'MsgVote', from: 1, to: 2, term: 99 }) }]));
    expect(members[1].host.stats.malformedBatches).toBe(2);
    await leader.host.propose(1, enc('still fine'));
    for (const m of members) await waitFor(() => m.machines.get(1)!.values.includes('still fine'));
    expect(members.find((m) => m.host.group(1).isLeader)).toBe(leader);
  });

  it('linearizable reads through ReadIndex on leader and followers', async () => {
    const net = new LocalNetwork();
    const members = await Promise.all([1, 2, 3].map((id) => cluster.start(net, id, [1], [1, 2, 3])));
    const leader = await waitFor(() => leaderOf(members, 1));
    await leader.host.propose(1, enc('x'));
    for (const m of members) {
      await m.host.readIndex(1);
      expect(m.machines.get(1)!.values).toContain('x');
    }
  });

  it('restarts from its durable log, and a wiped replica is rebuilt by snapshot', async () => {
    const net = new LocalNetwork();
    const d = [cluster.tmp(), cluster.tmp(), cluster.tmp()];
    let members = await Promise.all([1, 2, 3].map((id) => cluster.start(net, id, [1], [1, 2, 3], d[id - 1], { snapshotEntries: 50 })));
    let leader = await waitFor(() => leaderOf(members, 1));
    for (let i = 0; i < 120; i++) await leader.host.propose(1, enc(`v${i}`));
    for (const m of members) await cluster.stop(m);
    rmSync(d[2], { recursive: true, force: true }); // store 3 lost its disk
    members = await Promise.all([1, 2].map((id) => cluster.start(net, id, [1], [1, 2, 3], d[id - 1], { snapshotEntries: 50 })));
    const wiped = await cluster.start(net, 3, [], []);
    const sm3 = new AppendOnlyMachine();
    await wiped.host.openGroup(1, sm3); // no peers: waits for the leader's snapshot
    wiped.machines.set(1, sm3);
    members.push(wiped);
    leader = await waitFor(() => leaderOf(members, 1), 5000);
    await leader.host.propose(1, enc('after-restart'));
    const expected = Array.from({ length: 120 }, (_, i) => `v${i}`).concat('after-restart');
    for (const m of members) await waitFor(() => m.machines.get(1)!.values.join() === expected.join(), 5000);
  });
});
