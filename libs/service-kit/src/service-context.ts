import type { Logger, Metrics } from '@quarry/telemetry';
import type { Bus, ClusterEvents, Subjects } from '@quarry/transport';
import type { HealthCheck } from '@quarry/proto';

export type ServiceRole = 'consensus' | 'placement-driver' | 'shard-storage' | 'query-coordinator' | 'ops';

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }> | { ok: boolean; detail?: string };

/** Named readiness checks; /ready and the registry's health replies run all of them. */
export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();

  add(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async run(): Promise<HealthCheck[]> {
    const out: HealthCheck[] = [];
    for (const [name, check] of this.checks) {
      try {
        const r = await check();
        out.push({ $typeName: 'quarry.v1.HealthCheck', name, ok: r.ok, detail: r.detail ?? '' });
      } catch (err) {
        out.push({ $typeName: 'quarry.v1.HealthCheck', name, ok: false, detail: (err as Error).message });
      }
    }
    return out;
  }

  async ready(): Promise<boolean> {
    return (await this.run()).every((c) => c.ok);
  }
}

/**
 * Everything a service gets from the kit, injectable by type into Nest providers. The config
 * is app-specific; apps re-provide it under their own typed token.
 */
export class ServiceContext {
  constructor(
    readonly role: ServiceRole,
    readonly instanceId: string,
    readonly config: Readonly<Record<string, unknown>>,
    readonly bus: Bus,
    readonly subjects: Subjects,
    readonly events: ClusterEvents,
    readonly metrics: Metrics,
    readonly logger: Logger,
    readonly readiness: Readiness,
    readonly httpPort: number,
  ) {}
}
