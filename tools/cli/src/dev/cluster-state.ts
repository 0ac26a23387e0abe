import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { repoRoot } from './cluster-plan';
import type { OwnedProcess } from './processes';

export interface RunningProcess extends OwnedProcess {
  name: string;
  role: string;
  httpPort: number;
  log: string;
}

/** What `dev up` started, so `dev down` and `status` act on exactly those processes. */
export interface ClusterState {
  cluster: string;
  dataDir: string;
  endpoint: string;
  natsUrl: string;
  pgUrl: string;
  startedAt: string;
  processes: RunningProcess[];
}

export function defaultDataDir(): string {
  return process.env.QUARRY_DEV_DIR ? resolve(process.env.QUARRY_DEV_DIR) : join(repoRoot, '.quarry', 'dev');
}

const stateFile = (dataDir: string): string => join(dataDir, 'cluster.json');

export function readState(dataDir: string): ClusterState | undefined {
  const f = stateFile(dataDir);
  if (!existsSync(f)) return undefined;
  return JSON.parse(readFileSync(f, 'utf8')) as ClusterState;
}

export function writeState(state: ClusterState): void {
  const f = stateFile(state.dataDir);
  mkdirSync(dirname(f), { recursive: true });
  writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${f}.tmp`, f);
}

export function removeState(dataDir: string): void {
  rmSync(stateFile(dataDir), { force: true });
}
