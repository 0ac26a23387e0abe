import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import {
  HealthReplySchema,
  HealthRequestSchema,
  ServiceInstanceSchema,
  type HealthCheck,
  type ServiceInstance,
} from '@quarry/proto';
import type { Subscription } from '@nats-io/transport-node';
import type { Bus } from './bus';
import { defineMethod } from './rpc-method';
import { Subjects } from './subjects';

export const HealthMethod = defineMethod({ name: 'Health', request: HealthRequestSchema, response: HealthReplySchema, idempotent: true });

/** Dead instances age out of the registry after this long without a heartbeat. */
const REGISTRY_TTL_MS = 60 * 60 * 1000;

async function openRegistry(bus: Bus, subjects: Subjects): Promise<KV> {
  return new Kvm(bus.nc).create(subjects.registryBucket, { history: 1, ttl: REGISTRY_TTL_MS });
}

/**
 * The registry's keys, from one stream-info request (which has a timeout). `KV.keys()` walks a
 * push consumer that ends on `pending === 0` or an idle heartbeat; with entries written and
 * expiring during the walk it was seen to hang for minutes.
 */
async function registryKeys(bus: Bus, subjects: Subjects): Promise<string[]> {
  const jsm = await jetstreamManager(bus.nc);
  const prefix = `$KV.${subjects.registryBucket}.`;
  const info = await jsm.streams.info(`KV_${subjects.registryBucket}`, { subjects_filter: `${prefix}>` });
  return Object.keys(info.state.subjects ?? {})
    .filter((s) => s.startsWith(prefix))
    .map((s) => s.slice(prefix.length));
}

/** What an instance says about itself; the registry adds timestamps and readiness. */
export interface InstanceIdentity {
  instanceId: string;
  role: string;
  cluster: string;
  host: string;
  httpPort: number;
  pid: number;
  version: string;
  labels?: Record<string, string>;
}

export interface HealthSource {
  ready(): boolean | Promise<boolean>;
  checks(): HealthCheck[] | Promise<HealthCheck[]>;
}

/**
 * A running instance's entry in the registry: a KV key refreshed every heartbeat, plus a health
 * subject answering for this instance. Graceful shutdown deletes the key; a killed process leaves
 * it to go stale, which is how `quarry status` tells "down" from "never existed".
 */
export class ServiceRegistration {
  private kv?: KV;
  private timer?: NodeJS.Timeout;
  private sub?: Subscription;
  private readonly startedAt = Date.now();

  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
    private readonly instance: InstanceIdentity,
    private readonly health: HealthSource,
    private readonly heartbeatMs: number,
  ) {}

  async start(): Promise<void> {
    this.kv = await openRegistry(this.bus, this.subjects);
    this.sub = this.bus.serve(HealthMethod, this.subjects.instanceHealth(this.instance.instanceId), async () => {
      // Run the checks once: some (e.g. "can I reach the consensus service") take a while.
      const checks = await this.health.checks();
      const ready = checks.every((c) => c.ok);
      return { instance: this.snapshot(ready), ready, checks, uptimeSeconds: (Date.now() - this.startedAt) / 1000 };
    });
    await this.beat();
    this.timer = setInterval(() => void this.beat().catch(() => undefined), this.heartbeatMs);
    this.timer.unref();
  }

  private snapshot(ready: boolean): ServiceInstance {
    return create(ServiceInstanceSchema, { ...this.instance, startedAtMs: BigInt(this.startedAt), heartbeatAtMs: BigInt(Date.now()), ready });
  }

  private async beat(): Promise<void> {
    if (!this.kv || !this.bus.connected) return;
    await this.kv.put(this.instance.instanceId, toBinary(ServiceInstanceSchema, this.snapshot(await this.health.ready())));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.sub?.unsubscribe();
    await this.kv?.delete(this.instance.instanceId).catch(() => undefined);
  }
}

export type InstanceState = 'healthy' | 'unready' | 'down';

export interface InstanceStatus {
  instance: ServiceInstance;
  state: InstanceState;
  detail: string;
  checks: HealthCheck[];
}

/** The read side of the registry, for `quarry status`, the coordinator and the dashboard. */
export class ServiceDirectory {
  constructor(
    private readonly bus: Bus,
    private readonly subjects: Subjects,
  ) {}

  async list(): Promise<ServiceInstance[]> {
    const kv = await openRegistry(this.bus, this.subjects);
    const out: ServiceInstance[] = [];
    for (const key of await registryKeys(this.bus, this.subjects)) {
      const e = await kv.get(key);
      if (e && e.operation === 'PUT' && e.value.length) {
        try {
          out.push(fromBinary(ServiceInstanceSchema, e.value));
        } catch {
          // A garbage registry entry must not hide the healthy ones.
        }
      }
    }
    return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }

  /** Asks every registered instance for its health, all in parallel, each with a deadline. */
  async status(timeoutMs = 1500): Promise<InstanceStatus[]> {
    const instances = await this.list();
    return Promise.all(instances.map((i) => this.probe(i, timeoutMs)));
  }

  async probe(instance: ServiceInstance, timeoutMs = 1500): Promise<InstanceStatus> {
    try {
      const reply = await this.bus.request(HealthMethod, this.subjects.instanceHealth(instance.instanceId), {}, { timeoutMs, backoff: { attempts: 1, baseMs: 0, maxMs: 0 } });
      return {
        instance: reply.instance ?? instance,
        state: reply.ready ? 'healthy' : 'unready',
        detail: reply.ready ? 'ok' : reply.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join('; ') || 'not ready',
        checks: reply.checks,
      };
    } catch (err) {
      const ageS = ((Date.now() - Number(instance.heartbeatAtMs)) / 1000).toFixed(1);
      return { instance, state: 'down', detail: `${(err as Error).message}; last heartbeat ${ageS}s ago`, checks: [] };
    }
  }

  /** Removes every entry: a fresh `quarry dev up` starts with an empty registry. */
  async purge(): Promise<void> {
    const kv = await openRegistry(this.bus, this.subjects);
    for (const key of await registryKeys(this.bus, this.subjects)) await kv.purge(key);
  }

  /** Deletes the registry bucket (tests clean up their own clusters). */
  async destroy(): Promise<void> {
    const kv = await openRegistry(this.bus, this.subjects);
    await kv.destroy();
  }
}
