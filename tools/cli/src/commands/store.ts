import { markStoreRemoving } from '@quarry/store-client';
import { intOption, UsageError, type Command } from '../args';
import { clusterOptions, clusterUsage, connectCluster } from '../cluster-connection';
import { regionViews, storeViews } from '../cluster-view';

export const storeList: Command = {
  name: 'store list',
  summary: 'List storage nodes with their state, replicas and leaders.',
  usage: `Usage: quarry store list [--json] [cluster options]\n\n${clusterUsage}`,
  options: { ...clusterOptions, json: { type: 'boolean' } },
  async run(values) {
    const conn = await connectCluster(values);
    try {
      const stores = await storeViews(conn, await regionViews(conn));
      if (values.json) process.stdout.write(`${JSON.stringify({ stores })}\n`);
      else {
        process.stdout.write(`${'store'.padEnd(7)}${'instance'.padEnd(16)}${'state'.padEnd(10)}${'replicas'.padEnd(10)}${'leaders'.padEnd(9)}note\n`);
        for (const s of stores) process.stdout.write(`${String(s.storeId).padEnd(7)}${s.instanceId.padEnd(16)}${s.state.padEnd(10)}${String(s.replicas).padEnd(10)}${String(s.leaders).padEnd(9)}${s.removing ? (s.replicas ? 'draining' : 'removed') : ''}\n`);
      }
      return 0;
    } finally {
      await conn.close();
    }
  },
};

export const storeRemove: Command = {
  name: 'store remove',
  summary: 'Decommission a storage node: its replicas move to other stores, then it holds none.',
  usage: `Usage: quarry store remove ID [--replicas N] [cluster options]

  --replicas N   replicas per region the cluster keeps (default 3)
${clusterUsage}

Refused when the other live stores could not hold every region's replicas.`,
  options: { ...clusterOptions, replicas: { type: 'string' } },
  async run(values, positionals) {
    const id = Number(positionals[0]);
    if (!Number.isInteger(id) || id < 1) throw new UsageError(`give the store id to remove\n\n${storeRemove.usage}`);
    const replicas = intOption(values, 'replicas', 3, 1, 7);
    const conn = await connectCluster(values);
    try {
      const regions = await regionViews(conn, replicas);
      const stores = await storeViews(conn, regions);
      const target = stores.find((s) => s.storeId === id);
      if (!target) throw new UsageError(`unknown store ${id}; known: ${stores.map((s) => s.storeId).join(', ') || 'none'}`);
      const others = stores.filter((s) => s.storeId !== id && s.state === 'healthy' && !s.removing);
      if (others.length < replicas) {
        throw new UsageError(`removing store ${id} would leave regions with fewer than ${replicas} replicas: only ${others.length} other live stores (${others.map((s) => s.storeId).join(', ') || 'none'}); add a store first`);
      }
      await markStoreRemoving(conn.consensus, id);
      process.stdout.write(`Store ${id} is being drained: its ${target.replicas} replicas move to other stores. Watch: quarry store list\n`);
      return 0;
    } finally {
      await conn.close();
    }
  },
};
