import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { eventually, freePort, ServiceProcess, uniqueCluster } from '../support/processes';

describe('one trace across HTTP, NATS and two services', () => {
  const receiver = new OtlpReceiver();
  const cluster = uniqueCluster('e2e-trace');
  let coordinator: ServiceProcess;
  let pd: ServiceProcess;
  let coordPort: number;

  beforeAll(async () => {
    const endpoint = await receiver.start();
    const common = { QUARRY_CLUSTER: cluster, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint };
    coordPort = await freePort();
    const pdPort = await freePort();
    coordinator = ServiceProcess.start('query-coordinator', { ...common, QUARRY_HTTP_PORT: String(coordPort), QUARRY_INSTANCE_ID: 'coordinator-1' });
    pd = ServiceProcess.start('placement-driver', { ...common, QUARRY_HTTP_PORT: String(pdPort), QUARRY_INSTANCE_ID: 'pd-1' });
    // Without consensus and stores neither is ready to serve data, but both answer over NATS.
    await Promise.all([coordinator.waitReady(coordPort, 30_000, '/health'), pd.waitReady(pdPort, 30_000, '/health')]);
  });

  afterAll(async () => {
    await Promise.all([coordinator?.stop(), pd?.stop()]);
    await receiver.stop();
  });

  it('links the coordinator HTTP span, its NATS client span and the PD handler span', async () => {
    // /health answers before the instance has registered itself: wait until both are listed.
    const body = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${coordPort}/v1/cluster`);
      expect(res.status).toBe(200);
      const b = (await res.json()) as { members: { instanceId: string; state: string }[] };
      return b.members.length === 2 ? b : undefined;
    }, 15_000);
    expect(body.members.map((m) => m.instanceId).sort()).toEqual(['coordinator-1', 'pd-1']);
    expect(body.members.every((m) => m.state !== 'down')).toBe(true);

    const find = (pred: (s: ReceivedSpan) => boolean): ReceivedSpan | undefined => receiver.spans.find(pred);
    // The last request saw both services; find its HTTP span and the PD handler in its trace.
    const { httpSpan, pdHandler } = await eventually(async () => {
      for (const h of receiver.spans.filter((x) => x.service === 'quarry-query-coordinator' && x.name === 'GET /v1/cluster').reverse()) {
        const pd = find((x) => x.service === 'quarry-placement-driver' && x.traceId === h.traceId && x.name === 'handle Health');
        if (pd) return { httpSpan: h, pdHandler: pd };
      }
      return undefined;
    }, 15_000);
    const trace = httpSpan.traceId;
    const sendToPd = find((s) => s.service === 'quarry-query-coordinator' && s.spanId === pdHandler.parentSpanId);
    expect(sendToPd?.name).toBe('send Health');
    expect(sendToPd?.traceId).toBe(trace);
    expect(sendToPd?.parentSpanId).toBe(httpSpan.spanId);
    expect(httpSpan.parentSpanId).toBe('');
    // SERVER = 2, CLIENT = 3 in OTLP's SpanKind enumeration.
    expect([httpSpan.kind, sendToPd?.kind, pdHandler.kind]).toEqual([2, 3, 2]);
  });

  it('continues a caller-supplied traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`http://127.0.0.1:${coordPort}/v1/cluster`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(res.status).toBe(200);
    const pdHandler = await eventually(async () => receiver.spans.find((s) => s.service === 'quarry-placement-driver' && s.traceId === traceId), 15_000);
    expect(pdHandler.name).toBe('handle Health');
    const httpSpan = await eventually(async () => receiver.spans.find((s) => s.traceId === traceId && s.name === 'GET /v1/cluster'), 15_000);
    expect(httpSpan.parentSpanId).toBe('00f067aa0ba902b7');
  });
});
