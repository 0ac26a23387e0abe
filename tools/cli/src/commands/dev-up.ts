import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';
import { intOption, UsageError, type Command } from '../args';
import { planCluster } from '../dev/cluster-plan';
import { defaultDataDir, readState, writeState, type ClusterState } from '../dev/cluster-state';
import { freePort, portIsFree } from '../dev/free-port';
import { checkJetStream, ensureInfra } from '../dev/infra';
import { isOurs, stopProcesses } from '../dev/processes';
import { ExitedDuringStartup, spawnService, waitReady } from '../dev/spawn-service';

export const natsUrlDefault = (): string => process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222';

export const devUp: Command = {
  name: 'dev up',
  summary: 'Start a local cluster as separate processes and wait until every one is ready.',
  usage: `Usage: quarry dev up [--stores N] [--data-dir DIR] [--http-port PORT] [--cluster NAME] [--timeout SECONDS]

  --stores N         storage nodes to start (default 3)
  --data-dir DIR     where data, logs and cluster.json live (default .quarry/dev in the repository)
  --http-port PORT   port of the SPARQL endpoint (default $QUARRY_HTTP_PORT or 7400)
  --cluster NAME     cluster name: namespaces subjects and streams on NATS (default "default")
  --timeout SECONDS  how long to wait for readiness (default 90)

Starts NATS (JetStream), PostgreSQL and Redis first if they are not running, installing them
with apt-get when missing and run as root. Then 3 consensus replicas, 1 placement driver,
N storage nodes, 1 query coordinator and 1 ops service.`,
  options: {
    stores: { type: 'string' },
    'data-dir': { type: 'string' },
    'http-port': { type: 'string' },
    cluster: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(values) {
    const stores = intOption(values, 'stores', 3, 1, 64);
    const coordinatorPort = intOption(values, 'http-port', Number(process.env.QUARRY_HTTP_PORT ?? 7400), 1, 65535);
    const timeoutS = intOption(values, 'timeout', 90, 5, 3600);
    const cluster = (values.cluster as string | undefined) ?? 'default';
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(cluster)) throw new UsageError('--cluster may use letters, digits, _ and - (at most 40)');
    const dataDir = resolve((values['data-dir'] as string | undefined) ?? defaultDataDir());

    const existing = readState(dataDir);
    if (existing && existing.processes.some(isOurs)) {
      process.stdout.write(`A cluster is already running from ${dataDir} (quarry dev down stops it).\nSPARQL endpoint: ${existing.endpoint}\n`);
      return 0;
    }
    ensureInfra();
    const natsUrl = natsUrlDefault();
    await checkJetStream(natsUrl);
    if (!(await portIsFree(coordinatorPort))) throw new UsageError(`port ${coordinatorPort} is in use; choose another with --http-port`);

    const bus = await Bus.connect({ url: natsUrl, instanceId: `cli-${process.pid}` });
    await new ServiceDirectory(bus, new Subjects(cluster)).purge();
    await bus.drain();

    const dbName = cluster === 'default' ? 'quarry' : `quarry_${cluster.toLowerCase().replace(/-/g, '_')}`;
    const pgUrl = process.env.QUARRY_PG_URL ?? `postgres://postgres@127.0.0.1:5432/${dbName}`;
    const plan = await planCluster({
      cluster,
      stores,
      dataDir,
      coordinatorPort,
      natsUrl,
      pgUrl,
      redisUrl: process.env.QUARRY_REDIS_URL ?? 'redis://127.0.0.1:6379',
      otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT,
    });
    const unbuilt = plan.filter((p) => !existsSync(p.main)).map((p) => p.role);
    if (unbuilt.length) throw new Error(`not built: ${[...new Set(unbuilt)].join(', ')}; run npm run build`);
    const endpoint = `http://127.0.0.1:${coordinatorPort}/sparql`;
    const state: ClusterState = { cluster, dataDir, endpoint, natsUrl, pgUrl, startedAt: new Date().toISOString(), processes: [] };
    for (const p of plan) {
      state.processes.push(await spawnService(p, join(dataDir, 'logs')));
      writeState(state); // after each spawn, so `dev down` can clean up a partial start
    }
    process.stdout.write(`Started ${state.processes.length} processes; waiting for readiness...\n`);
    const deadline = Date.now() + timeoutS * 1000;
    const ready = async (i: number, attempt = 0): Promise<void> => {
      const p = state.processes[i];
      try {
        await waitReady(p, deadline, () => isOurs(p));
      } catch (err) {
        // A port we chose can be taken by another program before the service binds it: pick
        // another and start that service again (not the SPARQL port, which the user chose).
        if (!(err instanceof ExitedDuringStartup) || !err.portTaken || p.role === 'query-coordinator' || attempt >= 3) throw err;
        const planned = plan[i];
        planned.httpPort = await freePort();
        planned.env.QUARRY_HTTP_PORT = String(planned.httpPort);
        state.processes[i] = await spawnService(planned, join(dataDir, 'logs'));
        writeState(state);
        await ready(i, attempt + 1);
      }
    };
    try {
      await Promise.all(state.processes.map((_, i) => ready(i)));
    } catch (err) {
      await stopProcesses(state.processes, 5000);
      throw err;
    }
    for (const p of state.processes) process.stdout.write(`  ${p.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} http://127.0.0.1:${p.httpPort}\n`);
    process.stdout.write(`Cluster "${cluster}" is ready. Logs: ${join(dataDir, 'logs')}\nSPARQL endpoint: ${endpoint}\n`);
    return 0;
  },
};
