import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { afterEach, describe, expect, it } from 'vitest';
import { MultiRaftHost } from './multi-raft-host';
import { decodeRaftBatch } from './raft-wire';
import { LocalNetwork } from './testing/local-transport';
import { AppendOnlyMachine } from './testing/register-machine';
import { sleep, waitFor } from './testing/wait-for';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

/** 20 ms ticks: heartbeat every 2 ticks, elections after 10-20 ticks (0.2-0.4 s). */
const TICK_MS = 20;

interface Member {
  id: number;
  dir: string;
  log: RaftLogEngine;
  host: MultiRaftHost;
  machines: Map<number, AppendOnlyMachine>;
  stopped: boolean;
}

describe('quiescent groups', () => {
  const dirs: string[] = [];
  const live: Member[] = [];
  afterEach(async () => {
    for (const m of live.splice(0)) {
      if (!m.stopped) await m.host.stop();
      await m.log.close();
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function startMember(net: LocalNetwork, id: number, groups: number[], dir?: string): Promise<Member> {
    if (!dir) dirs.push((dir = mkdtempSync(join(tmpdir(), 'quarry-quiesce-'))));
    const log = await RaftLogEngine.open(dir);
    const host = new MultiRaftHost({ storeId: id, log, transport: net.transport(), tickMs: TICK_MS, proposalTimeoutMs: 20_000 });
    const machines = new Map<number, AppendOnlyMachine>();
    for (const g of groups) {
      const sm = new AppendOnlyMachine();
      machines.set(g, sm);
      await host.openGroup(g, sm, [1, 2, 3]);
    }
    host.start();
    const m: Member = { id, dir, log, host, machines, stopped: false };
    live.push(m);
    return m;
  }

  const startCluster = (net: LocalNetwork, groups: number[]): Promise<Member[]> => Promise.all([1, 2, 3].map((id) => startMember(net, id, groups)));

  const leaderOf = (members: Member[], g: number): Member | undefined => members.find((m) => !m.stopped && m.host.group(g).isLeader);
  const allQuiesced = (members: Member[], n: number): boolean => members.every((m) => m.stopped || m.host.quiescedCount === n);

  it('stops ticking idle groups on every store, leaving one store heartbeat per store pair', async () => {
    const net = new LocalNetwork();
    const groups = Array.from({ length: 20 }, (_, i) => i + 1);
    const members = await startCluster(net, groups);
    for (const g of groups) await waitFor(() => leaderOf(members, g));
    await waitFor(() => allQuiesced(members, groups.length));
    const ticks0 = members.map((m) => m.host.stats.groupTicks);
    const batches0 = members.map((m) => m.host.stats.batchesSent);
    const storeHb0 = members.map((m) => m.host.stats.storeHeartbeatsSent);
    await sleep(40 * TICK_MS);
    expect(members.map((m) => m.host.stats.groupTicks)).toEqual(ticks0);
    expect(members.every((m) => m.host.quiescedCount === groups.length)).toBe(true);
    // no group traffic at all: only store heartbeats (to 2 peers, every 2 ticks)
    expect(members.map((m) => m.host.stats.batchesSent)).toEqual(batches0);
    for (let i = 0; i < 3; i++) expect(members[i].host.stats.storeHeartbeatsSent - storeHb0[i]).toBeGreaterThanOrEqual(20);
    // and every group keeps the leader it had
    for (const g of groups) expect(members.filter((m) => m.host.group(g).isLeader)).toHaveLength(1);
  });

  it('wakes a quiesced group for a proposal (at the leader or a follower) and a read, then quiesces it again', async () => {
    const net = new LocalNetwork();
    const members = await startCluster(net, [1, 2]);
    await waitFor(() => leaderOf(members, 1) && leaderOf(members, 2));
    await waitFor(() => allQuiesced(members, 2));
    const leader = leaderOf(members, 1)!;
    const follower = members.find((m) => m !== leader)!;
    await leader.host.propose(1, enc('at-leader'));
    await follower.host.propose(1, enc('via-follower'));
    for (const m of members) await waitFor(() => m.machines.get(1)!.values.join() === 'at-leader,via-follower');
    // a linearizable read through a quiesced follower sees both writes
    await waitFor(() => allQuiesced(members, 2));
    const reader = members.find((m) => m !== leader && m !== follower)!;
    await reader.host.readIndex(1);
    expect(reader.machines.get(1)!.values).toEqual(['at-leader', 'via-follower']);
    await waitFor(() => allQuiesced(members, 2));
    // group 2 never woke: its leader did not change and its log did not grow
    expect(members.every((m) => m.machines.get(2)!.values.length === 0)).toBe(true);
    expect(leaderOf(members, 1)).toBe(leader);
  });

  it("elects new leaders when the leaders' store dies while their groups are quiesced", async () => {
    const net = new LocalNetwork();
    const groups = [1, 2, 3, 4, 5, 6];
    const members = await startCluster(net, groups);
    for (const g of groups) await waitFor(() => leaderOf(members, g));
    for (const g of groups) {
      // put every leader on store 1, so its death leaves every group leaderless
      if (!members[0].host.group(g).isLeader) {
        leaderOf(members, g)!.host.transferLeader(g, 1);
        await waitFor(() => members[0].host.group(g).isLeader);
      }
      await members[0].host.propose(g, enc(`before-${g}`));
    }
    await waitFor(() => allQuiesced(members, groups.length));
    const dead = members[0];
    await dead.host.stop();
    dead.stopped = true;
    const killedAt = Date.now();
    const survivors = members.slice(1);
    for (const g of groups) await waitFor(() => leaderOf(survivors, g), 10_000);
    const electedMs = Date.now() - killedAt;
    for (const g of groups) await leaderOf(survivors, g)!.host.propose(g, enc(`after-${g}`));
    for (const g of groups) for (const m of survivors) await waitFor(() => m.machines.get(g)!.values.join() === `before-${g},after-${g}`);
    // store liveness times out after one election timeout (10 ticks), then the followers'
    // election timers run from when they last heard the leader's store: 10-20 ticks
    expect(electedMs).toBeGreaterThanOrEqual(10 * TICK_MS);
    // a group with a dead member does not quiesce: CheckQuorum and repairs work as without
    await sleep(20 * TICK_MS);
    expect(survivors.every((m) => m.host.quiescedCount === 0)).toBe(true);
  });

  it('a quiesced leader cut off from both followers steps down; the others elect a leader', async () => {
    const net = new LocalNetwork();
    const members = await startCluster(net, [1]);
    const old = await waitFor(() => leaderOf(members, 1));
    await old.host.propose(1, enc('x'));
    await waitFor(() => allQuiesced(members, 1));
    net.isolated.add(old.id);
    const fresh = await waitFor(() => members.find((m) => m !== old && m.host.group(1).isLeader), 10_000);
    await fresh.host.propose(1, enc('y'));
    await waitFor(() => !old.host.group(1).isLeader, 10_000);
    net.isolated.clear();
    await waitFor(() => old.machines.get(1)!.values.join() === 'x,y');
    await waitFor(() => allQuiesced(members, 1));
    expect(leaderOf(members, 1)).toBe(fresh);
  });

  it('a quiesced leader that hears nobody (while they hear it) steps down; the others elect a leader', async () => {
    const net = new LocalNetwork();
    const members = await startCluster(net, [1]);
    const old = await waitFor(() => leaderOf(members, 1));
    await old.host.propose(1, enc('x'));
    await waitFor(() => allQuiesced(members, 1));
    net.drop = (_from, to) => to === old.id;
    const fresh = await waitFor(() => members.find((m) => m !== old && m.host.group(1).isLeader), 15_000);
    await waitFor(() => !old.host.group(1).isLeader, 15_000);
    await fresh.host.propose(1, enc('y'));
    net.drop = undefined;
    await waitFor(() => old.machines.get(1)!.values.join() === 'x,y');
  });

  it('a quiesced leader that restarts before its followers notice is replaced, and the group takes writes', async () => {
    const net = new LocalNetwork();
    const members = await startCluster(net, [1]);
    const old = await waitFor(() => leaderOf(members, 1));
    await old.host.propose(1, enc('x'));
    await waitFor(() => allQuiesced(members, 1));
    await old.host.stop();
    await old.log.close();
    live.splice(live.indexOf(old), 1);
    const back = await startMember(net, old.id, [1], old.dir);
    const all = members.map((m) => (m === old ? back : m));
    const leader = await waitFor(() => leaderOf(all, 1), 15_000);
    await leader.host.propose(1, enc('y'));
    for (const m of all) await waitFor(() => m.machines.get(1)!.values.join() === 'x,y');
  });

  it('a follower that missed the quiesce heartbeat times out, wakes the leader, and the group quiesces again', async () => {
    const net = new LocalNetwork();
    // store 3 never receives a quiesce heartbeat
    net.drop = (_from, to, batch) => to === 3 && decodeRaftBatch(batch).messages.some((m) => m.quiesce);
    const members = await startCluster(net, [1]);
    let leader = await waitFor(() => leaderOf(members, 1));
    if (leader.id === 3) {
      leader.host.transferLeader(1, 1);
      leader = await waitFor(() => members[0].host.group(1).isLeader && members[0]);
    }
    await waitFor(() => leader.host.quiescedCount === 1);
    const wakes0 = leader.host.stats.wakes;
    const term = leader.host.group(1).node.raft.term;
    await sleep(60 * TICK_MS);
    // store 3 keeps ticking; its election timeouts wake the leader, which re-quiesces
    expect(members[2].host.quiescedCount).toBe(0);
    expect(leader.host.stats.wakes).toBeGreaterThan(wakes0);
    net.drop = undefined;
    await waitFor(() => allQuiesced(members, 1));
    // PreVote and the leader lease kept store 3 from disrupting the group
    expect(members.every((m) => m.host.group(1).node.raft.term === term)).toBe(true);
  });

  it('can be turned off', async () => {
    const net = new LocalNetwork();
    const dir = mkdtempSync(join(tmpdir(), 'quarry-quiesce-'));
    dirs.push(dir);
    const log = await RaftLogEngine.open(dir);
    const host = new MultiRaftHost({ storeId: 1, log, transport: net.transport(), tickMs: TICK_MS, quiesce: false });
    live.push({ id: 1, dir, log, host, machines: new Map(), stopped: false });
    await host.openGroup(1, new AppendOnlyMachine(), [1]);
    host.start();
    await waitFor(() => host.group(1).isLeader);
    const ticks0 = host.stats.groupTicks;
    await sleep(20 * TICK_MS);
    expect(host.quiescedCount).toBe(0);
    expect(host.stats.groupTicks).toBeGreaterThan(ticks0);
  });
});
