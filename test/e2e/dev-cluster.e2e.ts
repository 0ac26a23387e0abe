import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterState } from '../../tools/cli/src/dev/cluster-state';
import { isOurs } from '../../tools/cli/src/dev/processes';
import { existsSync, readFileSync } from 'node:fs';
import { dropDatabase } from '@quarry/control-db';
import { join } from 'node:path';
import { eventually, freePort, runCli, tempDir, uniqueCluster } from '../support/processes';

interface StatusJson {
  cluster: string;
  healthy: number;
  total: number;
  services: { instanceId: string; role: string; state: string; pid: number }[];
}

describe('quarry dev up / status / dev down', () => {
  const dir = tempDir('devcluster');
  const cluster = uniqueCluster('e2e-dev');
  const args = ['--data-dir', dir.path];
  let state: ClusterState | undefined;

  afterAll(async () => {
    // Whatever happened above, leave no process behind.
    await runCli(['dev', 'down', ...args], { timeoutMs: 60_000 });
    dir.remove();
    await dropDatabase(`postgres://postgres@127.0.0.1:5432/quarry_${cluster.replace(/-/g, '_')}`);
  });

  it('starts 9 processes, all healthy within 60 s', async () => {
    const port = await freePort();
    const up = await runCli(['dev', 'up', '--stores', '3', '--cluster', cluster, '--http-port', String(port), ...args], { timeoutMs: 120_000 });
    expect(up.stderr + up.stdout).toContain(`SPARQL endpoint: http://127.0.0.1:${port}/sparql`);
    expect(up.code).toBe(0);
    state = JSON.parse(readFileSync(join(dir.path, 'cluster.json'), 'utf8')) as ClusterState;
    expect(state.processes).toHaveLength(9);

    const status = await eventually(async () => {
      const r = await runCli(['status', '--json', ...args], { timeoutMs: 30_000 });
      const s = JSON.parse(r.stdout) as StatusJson;
      return s.healthy === 9 ? s : undefined;
    }, 60_000);
    expect(status.total).toBe(9);
    expect(status.services.map((s) => s.role).sort()).toEqual(
      ['consensus', 'consensus', 'consensus', 'ops', 'placement-driver', 'query-coordinator', 'shard-storage', 'shard-storage', 'shard-storage'],
    );
  });

  it('shows a kill -9ed storage node as down within 10 s', async () => {
    const victim = state!.processes.find((p) => p.name === 'store-2')!;
    process.kill(victim.pid, 'SIGKILL');
    const t0 = Date.now();
    const s = await eventually(async () => {
      const r = await runCli(['status', '--json', ...args], { timeoutMs: 10_000 });
      const parsed = JSON.parse(r.stdout) as StatusJson;
      return parsed.services.find((x) => x.instanceId === 'store-2' && x.state === 'down') ? parsed : undefined;
    }, 10_000, 200);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(s.healthy).toBe(8);
  });

  it('dev down stops every process it started, and --purge removes its state', async () => {
    const down = await runCli(['dev', 'down', '--purge', ...args], { timeoutMs: 60_000 });
    expect(down.code).toBe(0);
    expect(state!.processes.filter(isOurs)).toEqual([]);
    expect(existsSync(join(dir.path, 'store-1'))).toBe(false);
    const status = await runCli(['status', '--json', '--cluster', cluster, ...args], { timeoutMs: 30_000 });
    expect((JSON.parse(status.stdout) as StatusJson).total).toBe(0);
    const again = await runCli(['dev', 'down', ...args]);
    expect(again.stdout).toContain('nothing to stop');
  });
});
