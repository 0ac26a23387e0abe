import { resolve } from 'node:path';
import type { Command } from '../args';
import { defaultDataDir, readState, removeState } from '../dev/cluster-state';
import { purgeCluster } from '../dev/cluster-purge';
import { isOurs, stopProcesses } from '../dev/processes';

export const devDown: Command = {
  name: 'dev down',
  summary: 'Stop every process `quarry dev up` started, gracefully, then forcibly after a grace period.',
  usage: `Usage: quarry dev down [--data-dir DIR] [--purge]

  --data-dir DIR   the directory given to dev up (default .quarry/dev in the repository)
  --purge          also delete the cluster's data directory, its NATS registry and event
                   stream, and its PostgreSQL database

Only the processes recorded by dev up are signalled (checked by pid and start time);
without --purge the data stays, and the next dev up uses it.`,
  options: { 'data-dir': { type: 'string' }, purge: { type: 'boolean' } },
  async run(values) {
    const dataDir = resolve((values['data-dir'] as string | undefined) ?? defaultDataDir());
    const state = readState(dataDir);
    if (!state) {
      process.stdout.write(`No cluster recorded in ${dataDir}; nothing to stop.\n`);
      return 0;
    }
    const alive = state.processes.filter(isOurs);
    // Clients first, then the stores, the metadata replicas last.
    const order = ['query-coordinator', 'ops', 'placement-driver', 'shard-storage', 'consensus'];
    for (const role of order) await stopProcesses(alive.filter((p) => p.role === role), 10_000);
    const left = state.processes.filter(isOurs);
    if (left.length) {
      process.stderr.write(`could not stop: ${left.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}\n`);
      return 1;
    }
    removeState(dataDir);
    process.stdout.write(`Stopped ${alive.length} processes of cluster "${state.cluster}".\n`);
    if (values.purge) {
      await purgeCluster({ cluster: state.cluster, natsUrl: state.natsUrl, pgUrl: state.pgUrl, dataDir });
      process.stdout.write(`Purged the data, NATS state and database of cluster "${state.cluster}".\n`);
    }
    return 0;
  },
};
