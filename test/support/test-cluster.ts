import { jetstreamManager } from '@nats-io/jetstream';
import { ConsensusClient } from '@quarry/consensus-client';
import { RegionRouter, RegionWriter, StoreClient } from '@quarry/store-client';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';
import { freePort, natsUrl, ServiceProcess, tempDir, uniqueCluster } from './processes';

export interface ReplicaDigest {
  store: number;
  applied: bigint;
  checksum: string;
  count: bigint;
  voters: number[];
}

/**
 * A cluster started process by process (consensus ×3, placement driver, N stores), so tests
 * can kill, restart and wipe single members. Everything it starts is stopped by PID.
 */
export class TestCluster {
  readonly cluster = uniqueCluster('e2e-tc');
  readonly subjects = new Subjects(this.cluster);
  readonly procs = new Map<string, ServiceProcess>();
  /** HTTP port of each process, for /metrics and /ready. */
  readonly ports = new Map<string, number>();
  readonly dirs = new Map<string, ReturnType<typeof tempDir>>();
  /** How each process was started, so restart() starts it the same way (same data dir). */
  private readonly specs = new Map<string, { app: string; env: Record<string, string>; wait: '/ready' | '/health' }>();
  bus!: Bus;
  consensus!: ConsensusClient;
  stores!: StoreClient;
  writer!: RegionWriter;

  constructor(private readonly env: { stores: number; regions: number; storeEnv?: Record<string, string>; pdEnv?: Record<string, string> }) {}

  private dir(name: string): string {
    let d = this.dirs.get(name);
    if (!d) this.dirs.set(name, (d = tempDir(name)));
    return d.path;
  }

  async start(): Promise<void> {
    this.bus = await Bus.connect({ url: natsUrl, instanceId: `test-${this.cluster}` });
    this.consensus = new ConsensusClient(this.bus, this.subjects, { peers: [1, 2, 3], deadlineMs: 20_000 });
    this.stores = new StoreClient(this.bus, new RegionRouter(this.consensus), { cluster: this.cluster, deadlineMs: 20_000 });
    this.writer = new RegionWriter(this.stores);
    await Promise.all([1, 2, 3].map((id) => this.startProcess(`consensus-${id}`, 'consensus', { QUARRY_NODE_ID: String(id), QUARRY_DATA_DIR: this.dir(`consensus-${id}`) })));
    await this.startProcess('pd-1', 'placement-driver', { QUARRY_INITIAL_REGIONS: String(this.env.regions), ...this.env.pdEnv });
    await Promise.all(Array.from({ length: this.env.stores }, (_, i) => this.startStore(i + 1)));
  }

  async startProcess(name: string, app: string, env: Record<string, string>, wait: '/ready' | '/health' = '/health'): Promise<ServiceProcess> {
    this.specs.set(name, { app, env, wait });
    const port = await freePort();
    const p = ServiceProcess.start(app, { QUARRY_CLUSTER: this.cluster, QUARRY_HTTP_PORT: String(port), QUARRY_INSTANCE_ID: name, ...env });
    this.procs.set(name, p);
    this.ports.set(name, port);
    await p.waitReady(port, 30_000, wait);
    return p;
  }

  startStore(id: number): Promise<ServiceProcess> {
    return this.startProcess(`store-${id}`, 'shard-storage', { QUARRY_STORE_ID: String(id), QUARRY_DATA_DIR: this.dir(`store-${id}`), QUARRY_LOG_LEVEL: process.env.QUARRY_TEST_LOG_LEVEL ?? 'info', ...this.env.storeEnv });
  }

  /** kill -9 of one process by name (its recorded PID); resolves when it has exited. */
  async kill(name: string): Promise<void> {
    await this.procs.get(name)?.stop('SIGKILL');
  }

  /** Starts a killed process again as it was first started (same data directory and settings). */
  async restart(name: string): Promise<ServiceProcess> {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no process named ${name} was started`);
    await this.kill(name);
    return this.startProcess(name, spec.app, spec.env, spec.wait);
  }

  /** Waits until every region has a leader that answers. */
  async waitForRegions(timeoutMs = 30_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const regions = await this.stores.router.refresh().then((m) => m.regions);
        const leaders = await Promise.all(regions.map(async (r) => (await this.stores.replicaStatus(r.stores[0], r.id)).leaderStore));
        if (leaders.every((l) => l > 0)) return regions.map((r) => r.id);
      } catch {
        // not yet
      }
      if (Date.now() > deadline) throw new Error('regions did not get leaders in time');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Applied index, checksum and quad count of every replica of the given regions. */
  async replicaDigests(regions: number[]): Promise<Map<number, ReplicaDigest[]>> {
    const out = new Map<number, ReplicaDigest[]>();
    for (const id of regions) {
      const r = await this.stores.router.refresh().then((m) => m.regions.find((x) => x.id === id)!);
      out.set(
        id,
        await Promise.all(
          r.stores.map(async (s) => {
            const st = await this.stores.replicaStatus(s, id, { counts: true, checksum: true });
            return { store: s, applied: st.appliedIndex, checksum: st.checksum, count: st.quadCount, voters: st.voters };
          }),
        ),
      );
    }
    return out;
  }

  /** Waits until every replica of every region has applied the same entries and holds the same quads. */
  async waitConverged(regions: number[], timeoutMs = 30_000): Promise<Map<number, ReplicaDigest[]>> {
    const deadline = Date.now() + timeoutMs;
    let last: Map<number, ReplicaDigest[]> | undefined;
    while (Date.now() < deadline) {
      try {
        last = await this.replicaDigests(regions);
        if ([...last.values()].every((reps) => reps.every((x) => x.applied === reps[0].applied && x.checksum === reps[0].checksum))) return last;
      } catch {
        // a replica is still starting
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`replicas did not converge: ${JSON.stringify(last && Object.fromEntries(last), (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs.values()].map((p) => p.stop('SIGKILL')));
    if (this.bus) {
      await new ServiceDirectory(this.bus, this.subjects).destroy().catch(() => undefined);
      const jsm = await jetstreamManager(this.bus.nc);
      await jsm.streams.delete(this.subjects.eventsStream).catch(() => undefined);
      await jsm.streams.delete(this.subjects.changesStream).catch(() => undefined);
      await this.bus.drain();
    }
    for (const d of this.dirs.values()) d.remove();
  }
}
