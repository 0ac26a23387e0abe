import type { RegionDescriptor } from '@quarry/proto';
import type { Quad } from '@quarry/rdf';
import type { ServiceContext } from '@quarry/service-kit';
import { allocateRegionId, recordLayouts, storeSubject, StoreCommitMerge, StorePrepareMerge, StoreSplitRegion, type RegionLayout } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import { adjacent, endOf, metaOwns, type RegionMeta } from './region/region-meta';
import { medianSubjectHash } from './region/region-median';
import type { RegionStateMachine } from './region/region-state-machine';
import type { StoreNode } from './store-node';
import { wireError } from './store-server';

/** Quads a merge source may hold: they travel in one Raft entry. */
export const MAX_MERGE_SOURCE_QUADS = 200_000;

/** How long a merge waits for the frozen source's changes to reach the change feed. */
const CHANGE_FEED_WAIT_MS = 10_000;

const layoutOf = (id: number, m: RegionMeta, stores?: number[]): RegionLayout => ({ id, startHash: m.start, endHash: m.end, version: m.version, stores });

/**
 * Region shape changes, served by the leader of the region concerned: split (one Raft entry on
 * the parent), and merge (PrepareMerge on the source, then CommitMerge on the target). The
 * leader that applied a change records the new layout in the region map (compare-and-set);
 * StoreNode re-records it later if that write is lost. See docs/adr/0007-region-split-merge.md.
 */
export class RegionAdminServer {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly node: StoreNode,
  ) {}

  /** The leader's replica, with every entry committed before this call applied (read index). */
  private async ledMachine(regionId: number): Promise<RegionStateMachine> {
    this.node.requireLeader(regionId);
    await this.node.host.readIndex(regionId);
    return this.node.machine(regionId);
  }

  start(): void {
    const s = (name: string): string => storeSubject(this.ctx.subjects.cluster, this.node.storeId, name);
    this.ctx.bus.serve(StoreSplitRegion, s(StoreSplitRegion.name), (req) => this.split(req.regionId, req.splitHash, req.regionVersion).catch((err: unknown) => wireError(err, req.regionId)));
    this.ctx.bus.serve(StorePrepareMerge, s(StorePrepareMerge.name), (req) => this.prepareMerge(req.sourceRegionId, req.targetRegionId).catch((err: unknown) => wireError(err, req.sourceRegionId)));
    this.ctx.bus.serve(StoreCommitMerge, s(StoreCommitMerge.name), (req) => this.commitMerge(req.sourceRegionId, req.targetRegionId).catch((err: unknown) => wireError(err, req.targetRegionId)));
  }

  async split(regionId: number, requestedHash: bigint, version: bigint): Promise<{ regions: RegionDescriptor[] }> {
    const sm = await this.ledMachine(regionId);
    const m = sm.meta;
    if (version && version !== m.version) throw new QuarryError('STALE_EPOCH', `region ${regionId} has range version ${m.version}, the request expected ${version}`, false, { region: String(regionId) });
    if (m.mergingInto) throw new QuarryError('FAILED_PRECONDITION', `region ${regionId} is being merged into region ${m.mergingInto}`);
    const splitHash = requestedHash || (await medianSubjectHash(this.node.quads, regionId));
    if (splitHash === undefined) throw new QuarryError('FAILED_PRECONDITION', `region ${regionId} has fewer than two distinct subjects: nothing to split`);
    if (splitHash <= m.start || !metaOwns(m, splitHash)) {
      throw new QuarryError('INVALID_ARGUMENT', `split key ${splitHash} is not strictly inside region ${regionId} [${m.start}, ${endOf(m)})`);
    }
    const cs = this.node.host.group(regionId).confState;
    if (cs.learners.length || cs.votersOutgoing.length) throw new QuarryError('FAILED_PRECONDITION', `region ${regionId} has a membership change in progress; retry later`);
    const newRegionId = await allocateRegionId(this.node.consensus);
    const result = await this.node.propose(regionId, { case: 'split', value: { splitHash, newRegionId, expectedVersion: m.version } });
    const created = result.created!;
    // The new group has no leader yet: campaigning here, where the parent's leader is, saves an election timeout.
    if (this.node.host.group(regionId).isLeader && this.node.host.groupIds().includes(created.id)) this.node.host.campaign(created.id);
    const map = await recordLayouts(this.node.consensus, [layoutOf(regionId, result.meta!), layoutOf(created.id, created.meta, created.voters)]);
    this.ctx.logger.info({ regionId, newRegionId, splitHash: String(splitHash) }, 'region split');
    await this.ctx.events.publish('region.split', { region: String(regionId), newRegion: String(newRegionId), splitHash: String(splitHash), version: String(result.meta!.version) }).catch(() => undefined);
    return { regions: map.regions.filter((r) => r.id === regionId || r.id === newRegionId) };
  }

  async prepareMerge(sourceId: number, targetId: number): Promise<{ frozenVersion: bigint }> {
    const sm = await this.ledMachine(sourceId);
    const m = sm.meta;
    if (m.mergingInto === targetId) return { frozenVersion: m.version };
    if (m.mergingInto) throw new QuarryError('FAILED_PRECONDITION', `region ${sourceId} is already being merged into region ${m.mergingInto}`);
    if (targetId === sourceId || targetId < 1) throw new QuarryError('INVALID_ARGUMENT', `bad merge target ${targetId}`);
    // Checked here too, before anything is frozen: a refused merge must change nothing.
    const target = this.node.machines.get(targetId);
    if (!target) throw new QuarryError('FAILED_PRECONDITION', `store ${this.node.storeId} holds no replica of region ${targetId}: merge only regions on the same stores`);
    if (!adjacent(m, target.meta)) throw new QuarryError('INVALID_ARGUMENT', `regions ${sourceId} and ${targetId} are not adjacent`);
    const result = await this.node.propose(sourceId, { case: 'prepareMerge', value: { targetRegionId: targetId, expectedVersion: m.version } });
    this.ctx.logger.info({ sourceId, targetId }, 'region frozen for a merge');
    await this.ctx.events.publish('region.merge-prepared', { region: String(sourceId), target: String(targetId) }).catch(() => undefined);
    return { frozenVersion: result.meta!.version };
  }

  /**
   * The merge drops the source's replicas, outbox included: wait until its leader has published
   * every change the source committed (the trim reached this replica). Frozen, it gets no more.
   */
  private async changesPublished(sourceId: number, source: RegionStateMachine): Promise<void> {
    const until = Date.now() + CHANGE_FEED_WAIT_MS;
    while (source.outbox.size) {
      if (Date.now() > until) throw new QuarryError('UNAVAILABLE', `region ${sourceId} still has ${source.outbox.size} change(s) waiting for the change feed; merge not committed yet`, true, { reason: 'BUSY' });
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async commitMerge(sourceId: number, targetId: number): Promise<{ region: RegionDescriptor | undefined }> {
    const target = await this.ledMachine(targetId);
    const source = this.node.machines.get(sourceId);
    if (!source) throw new QuarryError('FAILED_PRECONDITION', `store ${this.node.storeId} holds no replica of region ${sourceId}: merge only regions on the same stores`);
    // Frozen here means every write of the source is applied here and no later one will be.
    if (source.meta.mergingInto !== targetId) throw new QuarryError('FAILED_PRECONDITION', `region ${sourceId} is not (yet) frozen for a merge into region ${targetId} on store ${this.node.storeId}`);
    const sameStores = (a: number[], b: number[]): boolean => a.length === b.length && [...a].sort().join() === [...b].sort().join();
    if (!sameStores(this.node.host.group(sourceId).confState.voters, this.node.host.group(targetId).confState.voters)) {
      throw new QuarryError('FAILED_PRECONDITION', `regions ${sourceId} and ${targetId} are not on the same stores`);
    }
    if (!adjacent(target.meta, source.meta)) throw new QuarryError('INVALID_ARGUMENT', `regions ${sourceId} and ${targetId} are not adjacent`);
    await this.changesPublished(sourceId, source);
    const quads: Quad[] = [];
    for await (const page of this.node.quads.scanAll(BigInt(sourceId), {})) {
      quads.push(...page);
      if (quads.length > MAX_MERGE_SOURCE_QUADS) throw new QuarryError('FAILED_PRECONDITION', `region ${sourceId} holds more than ${MAX_MERGE_SOURCE_QUADS} quads: too big to merge`);
    }
    const sourceData = quads.length ? this.node.quads.encodeToBytes(quads) : new Uint8Array(0);
    // Every write the source accepted took its timestamp before the freeze, so below this one.
    const mergeTs = await this.node.consensus.timestamp();
    const s = source.meta;
    const result = await this.node.propose(targetId, {
      case: 'commitMerge',
      value: { sourceRegionId: sourceId, sourceStartHash: s.start, sourceEndHash: s.end, sourceVersion: s.version, sourceData, expectedVersion: target.meta.version, mergeTs },
    });
    const map = await recordLayouts(this.node.consensus, [layoutOf(targetId, result.meta!)]);
    this.ctx.logger.info({ sourceId, targetId, quads: quads.length }, 'regions merged');
    await this.ctx.events.publish('region.merged', { region: String(targetId), source: String(sourceId), quads: String(quads.length), version: String(result.meta!.version) }).catch(() => undefined);
    return { region: map.regions.find((r) => r.id === targetId) };
  }
}
