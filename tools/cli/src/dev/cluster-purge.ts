import { rmSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { dropDatabase } from '@quarry/control-db';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';

/** Deletes everything a dev cluster left behind: NATS registry and streams, its database, its data dir. */
export async function purgeCluster(opts: { cluster: string; natsUrl: string; pgUrl: string; dataDir: string }): Promise<void> {
  const subjects = new Subjects(opts.cluster);
  const bus = await Bus.connect({ url: opts.natsUrl, instanceId: `cli-${process.pid}` });
  try {
    await new ServiceDirectory(bus, subjects).destroy();
    const jsm = await jetstreamManager(bus.nc);
    await jsm.streams.delete(subjects.eventsStream).catch(() => undefined);
    await jsm.streams.delete(subjects.changesStream).catch(() => undefined);
  } finally {
    await bus.drain();
  }
  await dropDatabase(opts.pgUrl);
  rmSync(opts.dataDir, { recursive: true, force: true });
}
