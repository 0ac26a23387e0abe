/**
 * Leases and watches against a running cluster (`npx quarry dev up`):
 *   npx vite-node --config vitest.config.mts docs/examples/leases-and-watches.ts
 * QUARRY_CLUSTER and QUARRY_NATS_URL select another cluster (defaults: "default", local NATS).
 */
import { ConsensusClient, LeaseNotFoundError } from '@quarry/consensus-client';
import { WatchEventType } from '@quarry/proto';
import { Bus, Subjects } from '@quarry/transport';

const td = new TextDecoder();

async function main(): Promise<void> {
  const bus = await Bus.connect({ url: process.env.QUARRY_NATS_URL ?? 'nats://127.0.0.1:4222', instanceId: `example-${process.pid}` });
  const client = new ConsensusClient(bus, new Subjects(process.env.QUARRY_CLUSTER ?? 'default'), { peers: [1, 2, 3] });
  const prefix = `example/${process.pid}/`;

  // Watch everything under the prefix from the next revision on.
  const start = (await client.put(`${prefix}start`, 'hello')) + 1n;
  const watch = client.watch(prefix, { fromRevision: start });
  const printing = (async () => {
    for await (const ev of watch) {
      const kind = ev.type === WatchEventType.PUT ? 'put' : 'delete';
      console.log(`rev ${ev.kv!.modRevision}: ${kind} ${td.decode(ev.kv!.key)} ${td.decode(ev.kv!.value)}`);
    }
  })();

  // A lease kept alive in the background, and one left to expire.
  const kept = await client.grant(3000);
  const keeper = client.keepLeaseAlive(kept, { onLost: (err) => console.error(`lost: ${err.message}`) });
  await client.put(`${prefix}member-a`, 'alive', { lease: kept });
  const shortLived = await client.grant(1000);
  await client.put(`${prefix}member-b`, 'until its lease ends', { lease: shortLived });

  await new Promise((r) => setTimeout(r, 2500)); // member-b's lease expires: its key is deleted
  console.log(`member-b: ${(await client.get(`${prefix}member-b`)) ? 'still there' : 'gone'}`);
  console.log(`member-a: ${(await client.get(`${prefix}member-a`)) ? 'still there' : 'gone'}`);

  console.log(`revoke deleted ${await client.revoke(kept)} key(s)`);
  await keeper.stop();
  await client.keepAlive(kept).catch((err: unknown) => console.log(`keepAlive after revoke: ${err instanceof LeaseNotFoundError ? 'LeaseNotFoundError' : String(err)}`));

  await new Promise((r) => setTimeout(r, 500));
  watch.cancel();
  await printing;
  await client.delete(`${prefix}start`);
  await bus.drain();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
