import { fromBinary } from '@bufbuild/protobuf';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ClusterEventSchema } from '@quarry/proto';
import { Bus, ServiceDirectory, Subjects } from '@quarry/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, natsUrl, ServiceProcess, tempDir, uniqueCluster } from '../support/processes';

describe('service lifecycle on the bus', () => {
  const cluster = uniqueCluster('e2e-life');
  const subjects = new Subjects(cluster);
  const dir = tempDir('life');
  let bus: Bus;
  let store: ServiceProcess;
  let port: number;

  beforeAll(async () => {
    bus = await Bus.connect({ url: natsUrl, instanceId: 'test-lifecycle' });
    port = await freePort();
    store = ServiceProcess.start('shard-storage', { QUARRY_CLUSTER: cluster, QUARRY_HTTP_PORT: String(port), QUARRY_STORE_ID: '7', QUARRY_DATA_DIR: dir.path, QUARRY_INSTANCE_ID: 'store-7' });
    await store.waitReady(port);
  });

  afterAll(async () => {
    await store.stop('SIGKILL');
    const jsm = await jetstreamManager(bus.nc);
    await jsm.streams.delete(subjects.eventsStream).catch(() => undefined);
    await new ServiceDirectory(bus, subjects).destroy();
    await bus.drain();
    dir.remove();
  });

  it('registers itself and answers health over NATS', async () => {
    const dirSvc = new ServiceDirectory(bus, subjects);
    const [status] = await dirSvc.status();
    expect(status.instance.instanceId).toBe('store-7');
    expect(status.instance.role).toBe('shard-storage');
    expect(status.state).toBe('healthy');
    expect(status.checks.map((c) => c.name).sort()).toEqual(['data-dir', 'nats', 'regions', 'registry']);
  });

  it('serves /health, /ready and Prometheus /metrics on its own port', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^process_cpu_user_seconds_total\{service="shard-storage",instance="store-7"\} /m);
  });

  it('logs JSON lines carrying the trace id of the request being served', async () => {
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    await fetch(`http://127.0.0.1:${port}/nope`, { headers: { traceparent: `00-${traceId}-1111222233334444-01` } });
    const line = await eventually(async () => store.output.split('\n').find((l) => l.includes(traceId)), 5000, 50);
    expect(JSON.parse(line)).toMatchObject({ trace_id: traceId, path: '/nope', status: 404, service: 'shard-storage' });
    expect(store.output.split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
  });

  it('on SIGTERM leaves the registry, records events, and exits 0', async () => {
    expect(await store.stop('SIGTERM')).toBe(0);
    expect(await new ServiceDirectory(bus, subjects).list()).toEqual([]);
    const js = jetstream(bus.nc);
    const consumer = await js.consumers.get(subjects.eventsStream, { deliver_policy: DeliverPolicy.All });
    const types: string[] = [];
    const batch = await consumer.fetch({ max_messages: 10, expires: 2000 });
    for await (const m of batch) {
      types.push(fromBinary(ClusterEventSchema, m.data).type);
      if (types.length === 2) break;
    }
    expect(types).toEqual(['service.started', 'service.stopped']);
  });
});
