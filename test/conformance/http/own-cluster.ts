import { freePort, runCli, tempDir, uniqueCluster } from '../../support/processes';

/** A dev cluster started for one run, in its own temp directory, under a unique name. */
export interface OwnCluster {
  endpoint: string;
  name: string;
  /** Stops every process and deletes the data, NATS state and database; safe to call twice. */
  stop(): Promise<void>;
}

const UP_TIMEOUT_MS = 180_000;
const DOWN_TIMEOUT_MS = 90_000;

export async function startOwnCluster(log: (line: string) => void): Promise<OwnCluster> {
  const dir = tempDir('conformance-http');
  const name = uniqueCluster('conf-http');
  const dataDirArgs = ['--data-dir', dir.path];
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const down = await runCli(['dev', 'down', '--purge', ...dataDirArgs], { timeoutMs: DOWN_TIMEOUT_MS });
      if (down.code !== 0) log(`dev down exited with ${down.code}: ${down.stderr.trim()}`);
      dir.remove();
    })());
  const port = await freePort();
  log(`starting cluster ${name} on port ${port} in ${dir.path}`);
  const up = await runCli(['dev', 'up', '--cluster', name, '--http-port', String(port), ...dataDirArgs], { timeoutMs: UP_TIMEOUT_MS });
  if (up.code !== 0) {
    await stop();
    throw new Error(`dev up failed (${up.code}): ${(up.stderr || up.stdout).trim()}`);
  }
  const endpoint = /SPARQL endpoint: (\S+)/.exec(up.stdout)?.[1] ?? `http://127.0.0.1:${port}/sparql`;
  return { endpoint, name, stop };
}
