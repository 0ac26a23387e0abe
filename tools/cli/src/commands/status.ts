import { resolve } from 'node:path';
import { Bus, ServiceDirectory, Subjects, type InstanceStatus } from '@quarry/transport';
import type { Command } from '../args';
import { defaultDataDir, readState } from '../dev/cluster-state';
import { natsUrlDefault } from './dev-up';
import { connectCluster } from '../cluster-connection';
import { regionViews } from '../cluster-view';

export interface StatusRow {
  instanceId: string;
  role: string;
  state: 'healthy' | 'unready' | 'down';
  pid: number;
  httpPort: number;
  detail: string;
}

/** Every instance the registry knows, plus any `dev up` started that never registered. */
export async function clusterStatus(cluster: string, expected: { name: string; role: string; pid: number; httpPort: number }[]): Promise<StatusRow[]> {
  const bus = await Bus.connect({ url: natsUrlDefault(), instanceId: `cli-${process.pid}` });
  try {
    const statuses: InstanceStatus[] = await new ServiceDirectory(bus, new Subjects(cluster)).status();
    const rows: StatusRow[] = statuses.map((s) => ({
      instanceId: s.instance.instanceId,
      role: s.instance.role,
      state: s.state,
      pid: s.instance.pid,
      httpPort: s.instance.httpPort,
      detail: s.detail,
    }));
    for (const e of expected) {
      if (!rows.some((r) => r.instanceId === e.name)) rows.push({ instanceId: e.name, role: e.role, state: 'down', pid: e.pid, httpPort: e.httpPort, detail: 'never registered' });
    }
    return rows.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  } finally {
    await bus.drain();
  }
}

/** Region health for status: undefined when the cluster has no region map or no consensus. */
async function regionHealth(values: Record<string, string | boolean | undefined>): Promise<{ total: number; healthy: number; underReplicated: number; noQuorum: number } | undefined> {
  const conn = await connectCluster(values, { deadlineMs: 3000 });
  try {
    const views = await regionViews(conn);
    return {
      total: views.length,
      healthy: views.filter((v) => v.health === 'healthy').length,
      underReplicated: views.filter((v) => v.health === 'under-replicated').length,
      noQuorum: views.filter((v) => v.health === 'no-quorum').length,
    };
  } catch {
    return undefined;
  } finally {
    await conn.close();
  }
}

export const status: Command = {
  name: 'status',
  summary: 'List every service instance of the cluster with its health.',
  usage: `Usage: quarry status [--json] [--cluster NAME] [--data-dir DIR]

  --json           print one JSON object instead of a table
  --cluster NAME   cluster to inspect (default: the one dev up started, else "default")
  --data-dir DIR   dev up's directory (default .quarry/dev in the repository)

Exit status is 0 when every instance is healthy, 2 otherwise.`,
  options: { json: { type: 'boolean' }, cluster: { type: 'string' }, 'data-dir': { type: 'string' } },
  async run(values) {
    const state = readState(resolve((values['data-dir'] as string | undefined) ?? defaultDataDir()));
    const cluster = (values.cluster as string | undefined) ?? state?.cluster ?? 'default';
    const expected = state && state.cluster === cluster ? state.processes : [];
    const rows = await clusterStatus(cluster, expected);
    const healthy = rows.filter((r) => r.state === 'healthy').length;
    const regions = await regionHealth({ ...values, cluster });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ cluster, healthy, total: rows.length, services: rows, regions })}\n`);
    } else {
      process.stdout.write(`cluster ${cluster}: ${healthy}/${rows.length} healthy\n`);
      for (const r of rows) process.stdout.write(`  ${r.instanceId.padEnd(18)} ${r.role.padEnd(18)} ${r.state.padEnd(8)} pid ${String(r.pid).padEnd(8)} :${String(r.httpPort).padEnd(6)} ${r.state === 'healthy' ? '' : r.detail}\n`);
      if (regions) process.stdout.write(`regions: ${regions.healthy}/${regions.total} healthy, ${regions.underReplicated} under-replicated, ${regions.noQuorum} without quorum\n`);
      else process.stdout.write('regions: no region map (yet)\n');
    }
    const regionsOk = !regions || regions.healthy === regions.total;
    return rows.length > 0 && healthy === rows.length && regionsOk ? 0 : 2;
  },
};
