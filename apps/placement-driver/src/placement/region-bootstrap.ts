import { toBinary } from '@bufbuild/protobuf';
import type { ConsensusClient } from '@quarry/consensus-client';
import { RegionMapSchema } from '@quarry/proto';
import type { ServiceContext } from '@quarry/service-kit';
import { REGION_MAP_KEY } from '@quarry/store-client';
import { ServiceDirectory } from '@quarry/transport';
import type { ActiveDuty } from '../leadership/pd-leadership';
import { initialRegionMap } from './initial-placement';

export interface BootstrapConfig {
  initialRegions: number;
  replicas: number;
}

/**
 * Creates the cluster's first region map once enough storage nodes are healthy. Written with
 * compare-and-set on "key absent", so several PDs (or a restarted one) never overwrite a map.
 */
export class RegionBootstrap implements ActiveDuty {
  private timer?: NodeJS.Timeout;
  done = false;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly consensus: ConsensusClient,
    private readonly cfg: BootstrapConfig,
  ) {}

  start(): void {
    if (this.done || this.timer) return;
    this.timer = setInterval(() => void this.attempt(), 1000);
    void this.attempt();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async attempt(): Promise<void> {
    if (this.done) return;
    try {
      if (await this.consensus.get(REGION_MAP_KEY)) {
        this.finish();
        return;
      }
      const statuses = await new ServiceDirectory(this.ctx.bus, this.ctx.subjects).status();
      const stores = statuses.filter((s) => s.instance.role === 'shard-storage' && s.state === 'healthy').map((s) => Number(s.instance.labels.store_id)).filter((id) => id > 0);
      if (stores.length < this.cfg.replicas) return;
      const map = initialRegionMap(stores, this.cfg.initialRegions, this.cfg.replicas);
      const r = await this.consensus.compareAndSet(REGION_MAP_KEY, 0n, toBinary(RegionMapSchema, map));
      if (r.succeeded) {
        this.ctx.logger.info({ regions: map.regions.length, stores }, 'created the initial region map');
        await this.ctx.events.publish('regions.bootstrapped', { regions: String(map.regions.length), stores: stores.join(',') });
      }
      this.finish();
    } catch (err) {
      this.ctx.logger.debug({ err: (err as Error).message }, 'region bootstrap not possible yet');
    }
  }

  private finish(): void {
    this.done = true;
    this.stop();
  }
}
