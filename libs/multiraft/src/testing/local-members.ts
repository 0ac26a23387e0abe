import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftLogEngine } from '@quarry/raft/log/raft-log-engine';
import { MultiRaftHost } from '../multi-raft-host';
import type { LocalNetwork } from './local-transport';
import { AppendOnlyMachine } from './register-machine';

/** One store of a test cluster: its durable log, its host and a machine per group. */
export interface Member {
  id: number;
  dir: string;
  log: RaftLogEngine;
  host: MultiRaftHost;
  machines: Map<number, AppendOnlyMachine>;
}

export interface MemberOptions {
  snapshotEntries?: number;
}

/**
 * Stores of an in-process cluster over a LocalNetwork, each on its own temp dir, all stopped
 * and removed by `cleanup()` (call it from afterEach).
 */
export class LocalMembers {
  private readonly dirs: string[] = [];
  private readonly live: Member[] = [];

  constructor(private readonly prefix = 'quarry-mr-') {}

  tmp(): string {
    const d = mkdtempSync(join(tmpdir(), this.prefix));
    this.dirs.push(d);
    return d;
  }

  /** A store with `groups` opened (peers `peers`), started; on `dir` if given (a restart), else a new temp dir. */
  async start(net: LocalNetwork, id: number, groups: number[], peers: number[], dir = this.tmp(), opts: MemberOptions = {}): Promise<Member> {
    const log = await RaftLogEngine.open(dir);
    // Generous timeouts: CI machines are shared and slow; correctness, not speed, is under test here.
    const host = new MultiRaftHost({ storeId: id, log, transport: net.transport(), tickMs: 50, snapshotEntries: opts.snapshotEntries, compactionLag: 10, proposalTimeoutMs: 20_000 });
    const machines = new Map<number, AppendOnlyMachine>();
    for (const g of groups) {
      const sm = new AppendOnlyMachine();
      machines.set(g, sm);
      await host.openGroup(g, sm, peers);
    }
    host.start();
    const member = { id, dir, log, host, machines };
    this.live.push(member);
    return member;
  }

  /** Stops a member (a crash or a restart to come); cleanup() will not stop it again. */
  async stop(m: Member): Promise<void> {
    const i = this.live.indexOf(m);
    if (i >= 0) this.live.splice(i, 1);
    await m.host.stop();
    await m.log.close();
  }

  async cleanup(): Promise<void> {
    for (const m of this.live.splice(0)) {
      await m.host.stop();
      await m.log.close();
    }
    for (const d of this.dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
