import { jetstreamManager } from '@nats-io/jetstream';
import { ConsensusClient } from '@quarry/consensus-client';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';
import { eventually, freePort, natsUrl, ServiceProcess, tempDir, uniqueCluster } from './processes';

/** Three consensus replicas as real processes on their own cluster name, and a client to them. */
export class ConsensusReplicas {
  readonly cluster: string;
  readonly subjects: Subjects;
  readonly procs = new Map<number, ServiceProcess>();
  private readonly dirs: ReturnType<typeof tempDir>[];
  bus!: Bus;
  client!: ConsensusClient;

  constructor(
    private readonly name: string,
    private readonly opts: { env?: Record<string, string>; clientDeadlineMs?: number } = {},
  ) {
    this.cluster = uniqueCluster(name);
    this.subjects = new Subjects(this.cluster);
    this.dirs = [1, 2, 3].map((id) => tempDir(`${name}-${id}`));
  }

  async startAll(): Promise<void> {
    this.bus = await Bus.connect({ url: natsUrl, instanceId: `test-${this.name}` });
    this.client = new ConsensusClient(this.bus, this.subjects, { peers: [1, 2, 3], timeoutMs: 500, deadlineMs: this.opts.clientDeadlineMs ?? 15_000 });
    await Promise.all([1, 2, 3].map((id) => this.start(id)));
  }

  /** Starts (or restarts, from its own disk) replica `id`. */
  async start(id: number): Promise<void> {
    const port = await freePort();
    const p = ServiceProcess.start('consensus', {
      QUARRY_CLUSTER: this.cluster,
      QUARRY_HTTP_PORT: String(port),
      QUARRY_INSTANCE_ID: `consensus-${id}`,
      QUARRY_NODE_ID: String(id),
      QUARRY_CONSENSUS_PEERS: '1,2,3',
      QUARRY_DATA_DIR: this.dirs[id - 1].path,
      ...this.opts.env,
    });
    this.procs.set(id, p);
    await p.waitReady(port, 30_000).catch(() => undefined); // readiness needs a quorum; callers check through the client
  }

  /** The replica that says it leads; fails with every replica's log tail when none does in time. */
  async leader(timeoutMs = 60_000): Promise<number> {
    try {
      return await eventually(
        async () => {
          for (const id of this.procs.keys()) {
            const s = await this.client.status(id).catch(() => undefined);
            if (s && s.leaderId === id) return id;
          }
          return undefined;
        },
        timeoutMs,
        100,
      );
    } catch (err) {
      const logs = [...this.procs].map(([id, p]) => `--- consensus-${id} (exit ${p.child.exitCode}):\n${p.output.slice(-2000)}`).join('\n');
      throw new Error(`${(err as Error).message}: no leader\n${logs}`);
    }
  }

  async killAll(): Promise<void> {
    await Promise.all([...this.procs.values()].map((p) => p.stop('SIGKILL')));
  }

  /** Kills every replica and removes what the cluster left in NATS and on disk. */
  async stop(): Promise<void> {
    await this.killAll();
    if (this.bus) {
      await new ServiceDirectory(this.bus, this.subjects).destroy().catch(() => undefined);
      const jsm = await jetstreamManager(this.bus.nc);
      await jsm.streams.delete(this.subjects.eventsStream).catch(() => undefined);
      await this.bus.drain();
    }
    this.dirs.forEach((d) => d.remove());
  }
}
