/**
 * Every subject, bucket and stream name is namespaced by cluster so several clusters (and test
 * runs) share one NATS server without seeing each other.
 */
export class Subjects {
  constructor(readonly cluster: string) {}

  instanceHealth(instanceId: string): string {
    return `quarry.${this.cluster}.svc.${instanceId}.health`;
  }

  /** A method of one consensus replica; clients address the leader directly. */
  consensus(nodeId: number, method: string): string {
    return `quarry.${this.cluster}.consensus.${nodeId}.${method}`;
  }

  events(type = '>'): string {
    return `quarry.${this.cluster}.events.${type}`;
  }

  /** KV bucket of registered service instances (one key per instance). */
  get registryBucket(): string {
    return `quarry_${this.cluster}_services`;
  }

  /** Committed changes of one region (`>`: every region), the change feed's subjects. */
  changes(regionId: number | '>' = '>'): string {
    return `quarry.${this.cluster}.changes.${regionId}`;
  }

  /** The change-feed stream: QUARRY_CHANGES for the default cluster, suffixed otherwise. */
  get changesStream(): string {
    return this.cluster === 'default' ? 'QUARRY_CHANGES' : `QUARRY_CHANGES_${this.cluster.replace(/[^A-Za-z0-9_]/g, '_')}`;
  }

  /** The cluster-events stream: QUARRY_EVENTS for the default cluster, suffixed otherwise. */
  get eventsStream(): string {
    return this.cluster === 'default' ? 'QUARRY_EVENTS' : `QUARRY_EVENTS_${this.cluster.replace(/[^A-Za-z0-9_]/g, '_')}`;
  }
}
