import { RaftUnavailableError, UnknownGroupError } from '@quarry/multiraft';
import { PeerChangeType } from '@quarry/proto';
import type { ConfChangeSingle } from '@quarry/raft';
import { parseString, subjectHash } from '@quarry/rdf';
import { StorageError, type QuadStore } from '@quarry/storage';
import { BadTermError, patternFromWire, ScanPageBuilder, storeSubject, StoreChangePeers, StoreContains, StoreEstimate, StoreRegionStatus, StoreScan, StoreTransferLeader, StoreWrite } from '@quarry/store-client';
import { QuarryError } from '@quarry/transport';
import type { ServiceContext } from '@quarry/service-kit';
import { batchSubjectHashes } from './region/batch-subjects';
import { checkOwned, checkReadTs, checkRouted, metaCovers } from './region/region-meta';
import type { StoreNode } from './store-node';

const MAX_SCAN_PAGE = 10_000;

/** Maps local failures to wire codes the coordinator's StoreClient understands. */
export function wireError(err: unknown, regionId: number): never {
  if (err instanceof QuarryError) throw err;
  if (err instanceof UnknownGroupError) throw new QuarryError('NOT_FOUND', `region ${regionId} is not hosted here`);
  if (err instanceof RaftUnavailableError) throw new QuarryError('UNAVAILABLE', err.message, true, err.leaderHint ? { leader: String(err.leaderHint) } : {});
  if (err instanceof BadTermError) throw new QuarryError('INVALID_ARGUMENT', err.message);
  if (err instanceof StorageError) throw new QuarryError('INVALID_ARGUMENT', err.message);
  throw err;
}

/** Serves scans, estimates, writes and region status for the replicas on this store. */
export class StoreServer {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly node: StoreNode,
  ) {}

  private get quads(): QuadStore {
    return this.node.quads;
  }

  private layoutOf(regionId: number): { startHash: bigint; endHash: bigint; version: bigint; mergingInto: number } {
    const m = this.node.machine(regionId).meta;
    return { startHash: m.start, endHash: m.end, version: m.version, mergingInto: m.mergingInto };
  }

  start(): void {
    const bus = this.ctx.bus;
    const s = (name: string): string => storeSubject(this.ctx.subjects.cluster, this.node.storeId, name);

    bus.serve(StoreScan, s(StoreScan.name), async (req) => {
      try {
        // The first page confirms leadership with a quorum (ReadIndex): a deposed leader
        // must not serve a stale snapshot. A later page continues the snapshot at the same read
        // timestamp: the replica that served the previous page has applied at least that much
        // (whether it still leads or not), and any other replica (leadership moved mid-scan)
        // first catches up with a follower ReadIndex, so a leader change does not fail a scan.
        if (!req.cursor) {
          this.node.requireLeader(req.regionId);
          await this.node.fence(req.regionId).beforeRead(req.readTs);
        }
        if (!req.cursor || req.cursorStore !== this.node.storeId) await this.node.host.readIndex(req.regionId);
        // Later pages need no check: a transaction that prewrites here after the first page
        // takes its commit timestamp later still, above this read's.
        if (!req.cursor) this.node.refuseIfLocked(req.regionId, req.readTs);
        // Checked on every page, after the read index: a split or merge applied since the
        // scan began removed part of what its cursor points into.
        const meta = this.node.machine(req.regionId).meta;
        checkRouted(req.regionId, meta, req.regionVersion);
        const range = req.range ?? { startHash: meta.start, endHash: meta.end };
        if (!metaCovers(meta, range.startHash, range.endHash)) throw new QuarryError('STALE_EPOCH', `scan range is outside region ${req.regionId}`, false);
        checkReadTs(req.regionId, meta, req.readTs, range.startHash, range.endHash);
        const narrowed = range.startHash !== meta.start || range.endHash !== meta.end;
        const end = range.endHash === 0n ? 1n << 64n : range.endHash;
        const page = this.quads.scan({
          regionId: BigInt(req.regionId),
          pattern: patternFromWire(req.pattern),
          readTs: req.readTs,
          limit: Math.min(req.limit || 1000, MAX_SCAN_PAGE),
          cursor: req.cursor || undefined,
        });
        const out = new ScanPageBuilder();
        for (const q of page.quads) {
          if (narrowed) {
            const h = subjectHash(q.subject);
            if (h < range.startHash || h >= end) continue;
          }
          out.add(q);
        }
        return { ...out.page(), count: out.count, cursor: page.cursor ?? '', storeId: this.node.storeId };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreContains, s(StoreContains.name), async (req) => {
      try {
        // Same guarantees as a scan's first page: a leader confirmed by ReadIndex, the caller's
        // layout, a read timestamp the region still has history for, no write landing below it
        // afterwards, and no undecided transaction that may commit at or below it (LOCKED).
        this.node.requireLeader(req.regionId);
        await this.node.fence(req.regionId).beforeRead(req.readTs);
        await this.node.host.readIndex(req.regionId);
        this.node.refuseIfLocked(req.regionId, req.readTs);
        const meta = this.node.machine(req.regionId).meta;
        checkRouted(req.regionId, meta, req.regionVersion);
        checkReadTs(req.regionId, meta, req.readTs, meta.start, meta.end);
        const quads = req.nquads ? parseString(req.nquads, { format: 'N-Quads' }) : [];
        const present = this.quads.contains(BigInt(req.regionId), quads, req.readTs);
        return { present: Uint8Array.from(present, (p) => (p ? 1 : 0)) };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreEstimate, s(StoreEstimate.name), (req) => {
      try {
        this.node.host.group(req.regionId);
        // Any replica answers estimates: one that has not applied a split yet still answers
        // (an upper bound anyway); only a client routing with an older layout is refused.
        const meta = this.node.machine(req.regionId).meta;
        if (req.regionVersion < meta.version) checkRouted(req.regionId, meta, req.regionVersion);
        return { count: BigInt(this.quads.estimate(BigInt(req.regionId), patternFromWire(req.pattern))) };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreWrite, s(StoreWrite.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        // Refused before it enters the log when routed with an old layout or carrying a subject
        // of another region; the apply-time version check catches a split committed meanwhile.
        const meta = this.node.machine(req.regionId).meta;
        checkRouted(req.regionId, meta, req.regionVersion);
        checkOwned(req.regionId, meta, batchSubjectHashes(req.batch));
        this.node.checkFeedBacklog(req.regionId);
        // A transactional one-phase write must not land under a read already served; blind
        // bulk writes (start_ts 0) are outside snapshot isolation and skip the fence.
        const propose = () => this.node.propose(req.regionId, { case: 'write', value: req });
        if (req.startTs > 0n) await this.node.fence(req.regionId).admit(this.node.term(req.regionId), req.commitTs, propose);
        else await propose();
        return { appliedIndex: BigInt(this.node.host.group(req.regionId).applied) };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreChangePeers, s(StoreChangePeers.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        const kinds: Record<number, ConfChangeSingle['type']> = {
          [PeerChangeType.ADD_LEARNER]: 'addLearnerNode',
          [PeerChangeType.ADD_VOTER]: 'addNode',
          [PeerChangeType.REMOVE]: 'removeNode',
        };
        const changes = req.changes.map((c) => {
          const type = kinds[c.type];
          if (!type || c.storeId < 1) throw new QuarryError('INVALID_ARGUMENT', `bad peer change ${JSON.stringify({ type: c.type, storeId: c.storeId })}`);
          return { type, nodeId: c.storeId };
        });
        if (!changes.length) throw new QuarryError('INVALID_ARGUMENT', 'no peer changes given');
        const g = this.node.host.group(req.regionId);
        const err = this.node.host.proposeConfChange(req.regionId, { transition: 'auto', changes });
        if (err) throw new QuarryError('FAILED_PRECONDITION', `region ${req.regionId}: ${err.message}`);
        // Done when the change is applied and any joint configuration has been left.
        const wanted = (cs: typeof g.confState): boolean =>
          cs.votersOutgoing.length === 0 &&
          changes.every((c) => (c.type === 'removeNode' ? !cs.voters.includes(c.nodeId) && !cs.learners.includes(c.nodeId) : c.type === 'addNode' ? cs.voters.includes(c.nodeId) : cs.learners.includes(c.nodeId)));
        const until = Date.now() + 15_000;
        while (!wanted(g.confState)) {
          if (Date.now() > until) throw new QuarryError('UNAVAILABLE', `region ${req.regionId}: membership change not applied in time`, false);
          await new Promise((r) => setTimeout(r, 20));
        }
        return { voters: g.confState.voters, learners: g.confState.learners };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreTransferLeader, s(StoreTransferLeader.name), async (req) => {
      try {
        this.node.requireLeader(req.regionId);
        const g = this.node.host.group(req.regionId);
        if (!g.confState.voters.includes(req.toStore)) throw new QuarryError('FAILED_PRECONDITION', `store ${req.toStore} is not a voter of region ${req.regionId}`);
        this.node.host.transferLeader(req.regionId, req.toStore);
        const until = Date.now() + 3000;
        while (g.leader !== req.toStore && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
        if (g.leader !== req.toStore) throw new QuarryError('UNAVAILABLE', `region ${req.regionId}: leadership did not move to store ${req.toStore} in time`, false);
        return { leaderStore: g.leader };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });

    bus.serve(StoreRegionStatus, s(StoreRegionStatus.name), (req) => {
      try {
        const g = this.node.host.group(req.regionId);
        const stats = req.withCounts ? this.quads.regionStats(BigInt(req.regionId)) : { quadCount: 0, approximateBytes: 0 };
        return {
          regionId: req.regionId,
          storeId: this.node.storeId,
          leaderStore: g.leader,
          term: BigInt(g.node.status().hardState.term),
          appliedIndex: BigInt(g.applied),
          quadCount: BigInt(stats.quadCount),
          approximateBytes: BigInt(stats.approximateBytes),
          voters: g.confState.voters,
          checksum: req.withChecksum ? this.quads.checksum(BigInt(req.regionId)) : '',
          openTransactions: this.node.machine(req.regionId).locks.size,
          pendingChanges: this.node.machine(req.regionId).outbox.size,
          writtenQuads: BigInt(this.node.machine(req.regionId).writtenQuads),
          ...this.layoutOf(req.regionId),
        };
      } catch (err) {
        wireError(err, req.regionId);
      }
    });
  }
}
