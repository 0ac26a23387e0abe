import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalNetwork } from './testing/local-transport';
import { LocalMembers, type Member } from './testing/local-members';
import { waitFor } from './testing/wait-for';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('MultiRaftHost.destroyGroup', () => {
  const cluster = new LocalMembers('quarry-mr-destroy-');
  afterEach(() => cluster.cleanup());

  it('forgets the group in the shared log durably while the other groups keep replicating', async () => {
    const net = new LocalNetwork();
    const members = [await cluster.start(net, 1, [1, 2], [1, 2, 3]), await cluster.start(net, 2, [1, 2], [1, 2, 3]), await cluster.start(net, 3, [1, 2], [1, 2, 3])];
    const leaderOf = (g: number): Member | undefined => members.find((m) => m.host.groupIds().includes(g) && m.host.group(g).isLeader);
    for (const g of [1, 2]) await (await waitFor(() => leaderOf(g))).host.propose(g, enc(`g${g}-a`));
    const third = members[2];
    await waitFor(() => third.machines.get(2)!.values.length === 1);
    // The store holding the replica that moved away must not lead it (the store node checks that too).
    if (third.host.group(2).isLeader) third.host.transferLeader(2, 1);
    await waitFor(() => !third.host.group(2).isLeader);

    await third.host.destroyGroup(2);
    expect(third.host.groupIds()).toEqual([1]);
    expect(third.log.groupIds()).toEqual([1]);
    // Group 2's traffic to store 3 is dropped; group 1 still commits everywhere.
    await (await waitFor(() => leaderOf(1))).host.propose(1, enc('g1-b'));
    await waitFor(() => third.machines.get(1)!.values.join() === 'g1-a,g1-b');

    await cluster.stop(third);
    const reopened = await RaftLogEngine.open(third.dir);
    expect(reopened.groupIds()).toEqual([1]);
    expect(reopened.group(2).lastIndex()).toBe(0);
    await reopened.close();
  });
});
