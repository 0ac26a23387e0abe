import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { repoRoot } from './cluster-plan';

/** Runs scripts/ensure-infra.sh: NATS, PostgreSQL and Redis up (installed if missing and root). */
export function ensureInfra(): void {
  const r = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-infra.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error('the local infrastructure (NATS, PostgreSQL, Redis) could not be brought up; see the messages above');
}

/** Quarry needs JetStream for its registry, events and change feed. */
export async function checkJetStream(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl, timeout: 3000 });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.getAccountInfo();
  } catch (err) {
    throw new Error(`NATS at ${natsUrl} has no JetStream (${(err as Error).message}); restart nats-server with -js`);
  } finally {
    await nc.close();
  }
}
