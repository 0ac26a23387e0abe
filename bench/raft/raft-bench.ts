import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { jetstreamManager } from '@nats-io/jetstream';
import { REGION_RAFT_TIMING } from '@quarry/multiraft';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';
import { MARK } from './child-protocol';
import { cpuMsOf, median, round, sleep } from './stats';
import type { KillNotice, Phase } from './workload';

/**
 * Raft bench: Quarry's consensus service (3 real processes, fsync on, loopback NATS) against a
 * 3-member etcd on loopback, both driven by a load generator in a separate process; plus the
 * CPU of one process hosting 1,000 idle groups. See bench/raft/README.md.
 *
 *   npm run bench:raft -- [--json] [--runs 3] [--only quarry,etcd,idle] [--seq 2000]
 *       [--seconds 5] [--groups 1000] [--idle-seconds 10] [--cpu-prof-dir DIR] [--timeout 900]
 */

interface Args {
  json: boolean;
  runs: number;
  only: Set<string>;
  seqN: number;
  seconds: number;
  warmup: number;
  groups: number;
  idleSeconds: number;
  cpuProfDir?: string;
  timeoutS: number;
  natsUrl: string;
  /** Restricts the load generator to one phase (seq | tput | failover); used for profiling. */
  phase?: string;
  inflight: number[];
  keep: boolean;
  /** Idle groups keep ticking (measures the cost without quiescence). */
  noQuiesce: boolean;
  /** Extra node options for the consensus servers (e.g. --trace-gc). */
  serverNodeArgs: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    json: false,
    runs: 3,
    only: new Set(['quarry', 'etcd', 'idle']),
    seqN: 2000,
    seconds: 5,
    warmup: 1,
    groups: 1000,
    idleSeconds: 10,
    timeoutS: 900,
    natsUrl: process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222',
    inflight: [64, 1024],
    keep: false,
    noQuiesce: false,
    serverNodeArgs: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = (): string => {
      const x = argv[++i];
      if (x === undefined) throw new Error(`${k} needs a value`);
      return x;
    };
    if (k === '--json') a.json = true;
    else if (k === '--runs') a.runs = Number(v());
    else if (k === '--only') a.only = new Set(v().split(','));
    else if (k === '--seq') a.seqN = Number(v());
    else if (k === '--seconds') a.seconds = Number(v());
    else if (k === '--warmup') a.warmup = Number(v());
    else if (k === '--groups') a.groups = Number(v());
    else if (k === '--idle-seconds') a.idleSeconds = Number(v());
    else if (k === '--cpu-prof-dir') a.cpuProfDir = resolve(v());
    else if (k === '--timeout') a.timeoutS = Number(v());
    else if (k === '--nats') a.natsUrl = v();
    else if (k === '--phase') a.phase = v();
    else if (k === '--inflight') a.inflight = v().split(',').map(Number);
    else if (k === '--keep-data') a.keep = true;
    else if (k === '--no-quiesce') a.noQuiesce = true;
    else if (k === '--server-node-args') a.serverNodeArgs = v().split(' ').filter(Boolean);
    else if (k === '--help' || k === '-h') {
      console.log(
        'usage: npm run bench:raft -- [--json] [--runs N] [--only quarry,etcd,idle] [--seq N] [--seconds S] [--groups N] [--idle-seconds S] [--cpu-prof-dir DIR] [--phase seq|tput|failover] [--inflight 64,1024] [--no-quiesce] [--server-node-args "--trace-gc ..."] [--timeout S]',
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const distRoot = resolve(__dirname, '..', '..');
const script = (name: string): string => join(__dirname, `${name}.js`);
const log = (...xs: unknown[]): void => void process.stderr.write(xs.map(String).join(' ') + '\n');

// ---------------------------------------------------------------- processes (stopped by pid)

const live = new Set<Proc>();
const tempDirs: string[] = [];

function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), `quarry-bench-raft-${prefix}-`));
  tempDirs.push(d);
  return d;
}

class Proc {
  readonly exited: Promise<void>;
  exitedAt = 0;
  private lines?: ReturnType<typeof createInterface>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    live.add(this);
    this.exited = new Promise((r) =>
      child.on('exit', () => {
        this.exitedAt = Date.now();
        live.delete(this);
        r();
      }),
    );
  }

  /** A server: stdout and stderr to a log file, nothing read back. */
  static server(name: string, cmd: string, argv: string[], env: Record<string, string>, logDir: string): Proc {
    const logPath = join(logDir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    return new Proc(name, child, logPath);
  }

  /** A child speaking the "@@ {json}" protocol on stdout; stderr to a log file. */
  static worker(name: string, file: string, cfg: unknown, logDir: string, onMessage: (m: Record<string, unknown>, p: Proc) => void): Proc {
    const logPath = join(logDir, `${name}.log`);
    const fd = openSync(logPath, 'a');
    const prof = args.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`, `--cpu-prof-name=${name}-${process.pid}.cpuprofile`] : [];
    const child = spawn(process.execPath, [...prof, file, JSON.stringify(cfg)], { cwd: distRoot, stdio: ['pipe', 'pipe', fd] });
    closeSync(fd);
    const p = new Proc(name, child, logPath);
    p.lines = createInterface({ input: child.stdout! });
    p.lines.on('line', (line) => {
      if (!line.startsWith(MARK)) return void process.stderr.write(`[${name}] ${line}\n`);
      try {
        onMessage(JSON.parse(line.slice(MARK.length)) as Record<string, unknown>, p);
      } catch (err) {
        log(`[${name}] bad message handling: ${(err as Error).message}`);
      }
    });
    return p;
  }

  send(msg: unknown): void {
    this.child.stdin?.write(JSON.stringify(msg) + '\n');
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill(2) of this pid only; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGKILL', graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill(signal);
    if (signal !== 'SIGKILL') {
      const t = setTimeout(() => this.alive && this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(t);
    } else await this.exited;
  }

  tail(n = 30): string {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-n).join('\n');
    } catch {
      return '';
    }
  }
}

async function stopAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(signal)));
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.unref();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

async function waitHttp(url: string, ok: (status: number, body: string) => boolean, timeoutMs: number, proc: Proc): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.alive) throw new Error(`${proc.name} exited:\n${proc.tail()}`);
    const good = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      async (r) => ok(r.status, await r.text()),
      () => false,
    );
    if (good) return;
    await sleep(100);
  }
  throw new Error(`${proc.name} not up within ${timeoutMs} ms (${url}):\n${proc.tail()}`);
}

// ---------------------------------------------------------------- one load run

interface LoadResult {
  seqP50Ms: number;
  seqP99Ms: number;
  tput64: number;
  tput1024: number;
  failoverMs: number;
  raw: Record<string, unknown>[];
}

/** Runs the load child to completion; answers its kill-leader request by kill -9 of `servers[leader]`. */
function runLoad(name: string, file: string, cfg: unknown, logDir: string, servers: Map<number, Proc>, timeoutMs: number): Promise<LoadResult> {
  return new Promise((resolveRun, rejectRun) => {
    const res: LoadResult = { seqP50Ms: NaN, seqP99Ms: NaN, tput64: NaN, tput1024: NaN, failoverMs: NaN, raw: [] };
    const timer = setTimeout(() => rejectRun(new Error(`${name} did not finish within ${timeoutMs} ms`)), timeoutMs);
    // Servers' CPU time over the measured window of the current phase, charged to its puts.
    const cpuNow = (): number[] => [...servers.values()].map((s) => cpuMsOf(s.child.pid));
    let windowStart: number[] = [];
    let windowCpu: { serverCpuMs: number[]; serverCpuUsPerCommit: number } | undefined;
    const child = Proc.worker(name, file, cfg, logDir, (m, p) => {
      if (m.event === 'window') {
        if (m.edge === 'start') windowStart = cpuNow();
        else {
          const used = cpuNow().map((ms, i) => ms - windowStart[i]);
          const total = used.filter(Number.isFinite).reduce((a, b) => a + b, 0);
          windowCpu = { serverCpuMs: used.map((ms) => Math.round(ms)), serverCpuUsPerCommit: Math.round((total * 1000) / Math.max(1, Number(m.commits))) };
        }
        return;
      }
      if (m.event === 'kill-leader') {
        const victim = servers.get(Number(m.leader));
        if (!victim) return void rejectRun(new Error(`${name}: unknown leader ${String(m.leader)}`));
        const killAt = Date.now();
        void victim.stop('SIGKILL').then(() => {
          log(`  ${name}: killed leader ${String(m.leader)} (pid ${victim.child.pid}); exit seen after ${victim.exitedAt - killAt} ms`);
          p.send({ killAt, exitAt: victim.exitedAt } satisfies KillNotice);
        });
        return;
      }
      if (m.event === 'error') return void rejectRun(new Error(`${name}: ${String(m.message)}`));
      if (m.event === 'done') {
        clearTimeout(timer);
        return void resolveRun(res);
      }
      if (windowCpu && (m.phase === 'seq' || String(m.phase).startsWith('tput'))) Object.assign(m, windowCpu);
      windowCpu = undefined;
      res.raw.push(m);
      log(`  ${name}: ${JSON.stringify(m)}`);
      if (m.phase === 'seq') {
        res.seqP50Ms = Number(m.p50Ms);
        res.seqP99Ms = Number(m.p99Ms);
      } else if (m.phase === 'tput64') res.tput64 = Number(m.commitsPerSec);
      else if (m.phase === 'tput1024') res.tput1024 = Number(m.commitsPerSec);
      else if (m.phase === 'failover') res.failoverMs = Number(m.failoverMs);
    });
    void child.exited.then(() => {
      if (child.child.exitCode !== 0) rejectRun(new Error(`${name} exited with ${child.child.exitCode ?? child.child.signalCode}:\n${child.tail()}`));
    });
  });
}

function phaseCfg(): Phase & { only?: string } {
  return { seqN: args.seqN, tputSeconds: args.seconds, warmupSeconds: args.warmup, inflight: args.inflight, failoverWriters: 16, only: args.phase };
}

// ---------------------------------------------------------------- Quarry

async function quarryRun(run: number): Promise<LoadResult> {
  const cluster = `bench-raft-${randomBytes(4).toString('hex')}`;
  const logDir = tempDir(`quarry-logs`);
  const servers = new Map<number, Proc>();
  const consensusMain = join(distRoot, 'apps', 'consensus', 'src', 'main.js');
  log(`quarry run ${run}: cluster ${cluster}, logs ${logDir}`);
  const bus = await Bus.connect({ url: args.natsUrl, instanceId: `bench-raft-${process.pid}` });
  const subjects = new Subjects(cluster);
  try {
    const ports: number[] = [];
    for (const id of [1, 2, 3]) {
      const port = await freePort();
      ports.push(port);
      const nodeArgs = args.cpuProfDir
        ? ['--cpu-prof', `--cpu-prof-dir=${args.cpuProfDir}`, `--cpu-prof-name=consensus-${id}-run${run}-${process.pid}.cpuprofile`]
        : [];
      servers.set(
        id,
        Proc.server(
          `consensus-${id}`,
          process.execPath,
          [...nodeArgs, ...args.serverNodeArgs, consensusMain],
          {
            QUARRY_CLUSTER: cluster,
            QUARRY_NATS_URL: args.natsUrl,
            QUARRY_HTTP_PORT: String(port),
            QUARRY_INSTANCE_ID: `consensus-${id}`,
            QUARRY_NODE_ID: String(id),
            QUARRY_CONSENSUS_PEERS: '1,2,3',
            QUARRY_DATA_DIR: tempDir(`consensus${id}`),
            QUARRY_LOG_LEVEL: 'warn',
          },
          logDir,
        ),
      );
    }
    await Promise.all([1, 2, 3].map((id, i) => waitHttp(`http://127.0.0.1:${ports[i]}/health`, (s) => s === 200, 60_000, servers.get(id)!)));
    const res = await runLoad(
      `quarry-load-${run}`,
      script('quarry-load'),
      { ...phaseCfg(), natsUrl: args.natsUrl, cluster, peers: [1, 2, 3] },
      logDir,
      servers,
      240_000,
    );
    // fsyncs per proposal on each surviving replica (from the service's own /metrics)
    const scraped: string[] = [];
    for (const [i, id] of [1, 2, 3].entries()) {
      if (!servers.get(id)!.alive) continue;
      const text = await fetch(`http://127.0.0.1:${ports[i]}/metrics`, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.text(),
        () => '',
      );
      const metric = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
      scraped.push(
        `node ${id}: ${metric('quarry_raft_log_fsyncs_total')} fsyncs, ${metric('quarry_raft_proposals_total')} proposals, leader ${metric('quarry_raft_is_leader')}`,
      );
    }
    log(`  quarry run ${run} counters: ${scraped.join('; ')}`);
    if (args.cpuProfDir) {
      // graceful stop so --cpu-prof writes its profile; the leader is told first by its pid
      await Promise.all([...servers.values()].map((p) => p.stop('SIGTERM', 20_000)));
    }
    return res;
  } finally {
    await Promise.all([...servers.values()].map((p) => p.stop('SIGKILL')));
    await new ServiceDirectory(bus, subjects).destroy().catch(() => undefined);
    const jsm = await jetstreamManager(bus.nc).catch(() => undefined);
    await jsm?.streams.delete(subjects.eventsStream).catch(() => undefined);
    await bus.drain().catch(() => undefined);
  }
}

// ---------------------------------------------------------------- etcd

function ensureEtcd(): string | undefined {
  const which = (): string | undefined => {
    const r = spawnSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : undefined;
  };
  let bin = which();
  if (!bin && process.getuid?.() === 0) {
    log('etcd missing: apt-get install -y etcd-server');
    spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server'], {
      stdio: ['ignore', 2, 2],
      timeout: 300_000,
    });
    bin = which();
  }
  return bin;
}

async function etcdRun(run: number, bin: string): Promise<LoadResult> {
  const logDir = tempDir('etcd-logs');
  const servers = new Map<number, Proc>();
  const token = `bench-raft-${randomBytes(4).toString('hex')}`;
  log(`etcd run ${run}: logs ${logDir}`);
  try {
    const ids = [1, 2, 3];
    const client: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < 3; i++) {
      client.push(await freePort());
      peer.push(await freePort());
    }
    const initial = ids.map((id, i) => `m${id}=http://127.0.0.1:${peer[i]}`).join(',');
    ids.forEach((id, i) => {
      servers.set(
        id,
        Proc.server(
          `etcd-${id}`,
          bin,
          [
            `--name=m${id}`,
            `--data-dir=${tempDir(`etcd${id}`)}`,
            `--listen-client-urls=http://127.0.0.1:${client[i]}`,
            `--advertise-client-urls=http://127.0.0.1:${client[i]}`,
            `--listen-peer-urls=http://127.0.0.1:${peer[i]}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${peer[i]}`,
            `--initial-cluster=${initial}`,
            `--initial-cluster-token=${token}`,
            '--initial-cluster-state=new',
            '--logger=zap',
            '--log-level=warn',
          ],
          { ETCD_UNSUPPORTED_ARCH: process.env.ETCD_UNSUPPORTED_ARCH ?? '' },
          logDir,
        ),
      );
    });
    await Promise.all(
      ids.map((id, i) => waitHttp(`http://127.0.0.1:${client[i]}/health`, (s, b) => s === 200 && b.includes('"true"'), 60_000, servers.get(id)!)),
    );
    return await runLoad(
      `etcd-load-${run}`,
      script('etcd-load'),
      { ...phaseCfg(), endpoints: client.map((p) => `http://127.0.0.1:${p}`) },
      logDir,
      servers,
      240_000,
    );
  } finally {
    await Promise.all([...servers.values()].map((p) => p.stop('SIGKILL')));
  }
}

// ---------------------------------------------------------------- 1,000 idle groups

async function idleRun(): Promise<{ idle1000CpuPct: number; perWindow: Record<string, unknown>[][] }> {
  const cluster = `bench-raft-idle-${randomBytes(4).toString('hex')}`;
  const logDir = tempDir('idle-logs');
  log(`idle: ${args.groups} groups on 3 stores (one process each), cluster ${cluster}, logs ${logDir}`);
  const withLeader = new Map<number, number>();
  const cpu: Record<string, unknown>[] = [];
  const procs: Proc[] = [];
  let failed: Error | undefined;
  try {
    for (const storeId of [1, 2, 3]) {
      procs.push(
        Proc.worker(
          `idle-${storeId}`,
          script('idle-groups'),
          { storeId, peers: [1, 2, 3], groups: args.groups, natsUrl: args.natsUrl, cluster, dataDir: tempDir(`idle${storeId}`), quiesce: !args.noQuiesce },
          logDir,
          (m) => {
            if (m.event === 'leaders') withLeader.set(storeId, Number(m.withLeader));
            else if (m.event === 'opened') log(`  idle-${storeId}: opened ${args.groups} groups in ${String(m.ms)} ms`);
            else if (m.event === 'cpu') cpu.push(m);
            else if (m.event === 'error') failed = new Error(`idle-${storeId}: ${String(m.message)}`);
          },
        ),
      );
    }
    const deadline = Date.now() + 180_000;
    while ([1, 2, 3].some((s) => (withLeader.get(s) ?? 0) < args.groups)) {
      if (failed) throw failed;
      if (procs.some((p) => !p.alive)) throw new Error(`an idle-groups process exited:\n${procs.map((p) => p.tail(10)).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`not every group elected a leader in 180 s: ${JSON.stringify([...withLeader])}`);
      await sleep(250);
    }
    log(`  idle: every group on every store knows its leader; settling 2 s`);
    await sleep(2000);
    const perWindow: Record<string, unknown>[][] = [];
    for (let w = 0; w < args.runs; w++) {
      cpu.length = 0;
      procs.forEach((p) => p.send({ seconds: args.idleSeconds }));
      const until = Date.now() + args.idleSeconds * 1000 + 30_000;
      while (cpu.length < 3 && Date.now() < until && !failed) await sleep(100);
      if (cpu.length < 3) throw failed ?? new Error('idle CPU measurement did not come back');
      const window = [...cpu].sort((a, b) => Number(a.storeId) - Number(b.storeId));
      perWindow.push(window);
      log(
        `  idle window ${w + 1}: ${window.map((c) => `store ${String(c.storeId)} ${round(Number(c.cpuPct), 2)}% (leads ${String(c.leading)}, ${String(c.quiesced)} quiesced, ${round(Number(c.ticksPerSec), 1)} ticks/s of ${round(1000 / REGION_RAFT_TIMING.tickMs, 0)}, ${round(Number(c.groupTicksPerSec), 0)} group ticks/s, ${round(Number(c.readyPassesPerSec), 0)} ready passes/s, ${round(Number(c.batchesSentPerSec), 0)} batches/s, ${round(Number(c.fsyncsPerSec), 1)} fsyncs/s)`).join('; ')}`,
      );
    }
    // per window, the busiest process (a conservative "one process"); median over windows
    const idle1000CpuPct = median(perWindow.map((w) => Math.max(...w.map((c) => Number(c.cpuPct)))));
    return { idle1000CpuPct: round(idle1000CpuPct, 2), perWindow };
  } finally {
    procs.forEach((p) => p.send({ stop: true }));
    await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(5000)]);
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  }
}

// ---------------------------------------------------------------- main

function summarize(runs: LoadResult[]): Omit<LoadResult, 'raw'> {
  return {
    seqP50Ms: round(median(runs.map((r) => r.seqP50Ms)), 3),
    seqP99Ms: round(median(runs.map((r) => r.seqP99Ms)), 3),
    tput64: Math.round(median(runs.map((r) => r.tput64))),
    tput1024: Math.round(median(runs.map((r) => r.tput1024))),
    failoverMs: Math.round(median(runs.map((r) => r.failoverMs))),
  };
}

async function main(): Promise<void> {
  const load0 = loadavg();
  log(`raft bench: runs=${args.runs} seq=${args.seqN} seconds=${args.seconds} groups=${args.groups}; load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);
  const quarryRuns: LoadResult[] = [];
  const etcdRuns: LoadResult[] = [];
  let idle: Awaited<ReturnType<typeof idleRun>> | undefined;
  const errors: string[] = [];
  const attempt = async (what: string, f: () => Promise<void>): Promise<void> => {
    try {
      await f();
    } catch (err) {
      errors.push(`${what}: ${(err as Error).message.split('\n')[0]}`);
      log(`${what} FAILED: ${(err as Error).message}`);
      await stopAll();
    }
  };
  const bin = args.only.has('etcd') ? ensureEtcd() : undefined;
  if (args.only.has('etcd') && !bin) errors.push('etcd: binary not found and could not be installed');
  // interleave the systems run by run, so background load hits both alike
  for (let r = 1; r <= args.runs; r++) {
    if (args.only.has('quarry')) await attempt(`quarry run ${r}`, async () => void quarryRuns.push(await quarryRun(r)));
    // A free port can be taken by someone else between probing it and etcd binding it: retry once.
    if (bin)
      await attempt(
        `etcd run ${r}`,
        async () =>
          void etcdRuns.push(
            await etcdRun(r, bin).catch(async (err: Error) => {
              if (!/address already in use/.test(err.message)) throw err;
              log(`etcd run ${r}: a port was taken meanwhile; retrying with fresh ports`);
              await stopAll();
              return etcdRun(r, bin);
            }),
          ),
      );
  }
  if (args.only.has('idle')) await attempt('idle groups', async () => void (idle = await idleRun()));

  const q = quarryRuns.length ? summarize(quarryRuns) : undefined;
  const e = etcdRuns.length ? summarize(etcdRuns) : undefined;
  const load1 = loadavg();
  const out = {
    quarry: { ...(q ?? { seqP50Ms: null, seqP99Ms: null, tput64: null, tput1024: null, failoverMs: null }), idle1000CpuPct: idle?.idle1000CpuPct ?? null },
    etcd: e ?? { seqP50Ms: null, seqP99Ms: null, tput64: null, tput1024: null, failoverMs: null },
  };
  const ratio = (a?: number, b?: number): string => (a !== undefined && b !== undefined && b > 0 && Number.isFinite(a) ? `${round(a / b, 2)}x` : 'n/a');
  const lines = [
    '',
    `raft bench (medians of ${args.runs} run(s); load average before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${load1.map((x) => x.toFixed(2)).join(' ')})`,
    `metric              quarry      etcd        quarry/etcd   target`,
    `seq put p50 ms      ${String(q?.seqP50Ms ?? '-').padEnd(11)} ${String(e?.seqP50Ms ?? '-').padEnd(11)} ${ratio(q?.seqP50Ms, e?.seqP50Ms).padEnd(13)} -`,
    `seq put p99 ms      ${String(q?.seqP99Ms ?? '-').padEnd(11)} ${String(e?.seqP99Ms ?? '-').padEnd(11)} ${ratio(q?.seqP99Ms, e?.seqP99Ms).padEnd(13)} <= 1.5x`,
    `puts/s @64          ${String(q?.tput64 ?? '-').padEnd(11)} ${String(e?.tput64 ?? '-').padEnd(11)} ${ratio(q?.tput64, e?.tput64).padEnd(13)} >= 1.5x`,
    `puts/s @1024        ${String(q?.tput1024 ?? '-').padEnd(11)} ${String(e?.tput1024 ?? '-').padEnd(11)} ${ratio(q?.tput1024, e?.tput1024).padEnd(13)} >= 3x`,
    `failover ms         ${String(q?.failoverMs ?? '-').padEnd(11)} ${String(e?.failoverMs ?? '-').padEnd(11)} ${ratio(q?.failoverMs, e?.failoverMs).padEnd(13)} < 1000 ms`,
    `1k idle groups %cpu ${String(idle?.idle1000CpuPct ?? '-').padEnd(11)} ${'-'.padEnd(11)} ${'-'.padEnd(13)} < 10%`,
    `per run: quarry ${JSON.stringify(quarryRuns.map(({ raw: _r, ...x }) => x))}`,
    `per run: etcd   ${JSON.stringify(etcdRuns.map(({ raw: _r, ...x }) => x))}`,
    ...(errors.length ? [`errors: ${errors.join(' | ')}`] : []),
  ];
  console.log(lines.join('\n'));
  if (args.json) console.log(JSON.stringify(out));
  process.exitCode = errors.length ? 1 : 0;
}

let cleaning = false;
async function cleanup(code?: number): Promise<void> {
  if (cleaning) return;
  cleaning = true;
  await stopAll('SIGKILL').catch(() => undefined);
  if (!args.keep) for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  if (code !== undefined) process.exit(code);
}

const hardTimeout = setTimeout(() => {
  log(`raft bench: hard timeout of ${args.timeoutS} s reached; stopping every process it started`);
  void cleanup(2);
}, args.timeoutS * 1000);
hardTimeout.unref();
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void cleanup(130));
process.on('uncaughtException', (err) => {
  log(`uncaught: ${err.stack ?? String(err)}`);
  void cleanup(1);
});

main()
  .catch((err) => {
    log(`raft bench failed: ${(err as Error).stack ?? String(err)}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup(Number(process.exitCode ?? 0)));
